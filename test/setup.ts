// Every test file starts as deal does (src/runtime/backend.ts): tfjs in production mode, so
// tests that pick the cpu backend themselves print no "install tfjs-node" banner.
import * as tf from "@tensorflow/tfjs-core"

tf.enableProdMode()
