/**
 * Models: Models and their training: the catalogue (MLP, the Gal CNN, DalMax's CIFAR net, text models),
 * seeded dropout, the seeded training loop, forward passes (MC dropout, embeddings), metrics, attacks.
 */
export type { ModelContext, ModelFactory } from "./model-factory.js"
export { mlp } from "./mlp.js"
export { galCnn, galCnnKeras } from "./gal-cnn.js"
export { modelCatalogue, modelNames, modelSuits, checkModelInput, type CatalogueModel, type MakeOptions } from "./catalogue.js"
export { logisticRegression, embeddingBag, textCnn, EmbeddingBag, type TokenModelOptions } from "./text-models.js"
export { SeededDropout, reseedDropout } from "./seeded-dropout.js"
export { fitModel, crossEntropy, type TrainConfig, type EpochReport } from "./train.js"
export { predictProbabilities } from "./predict.js"
export { loadModel } from "./weights.js"
export { modelOutputs, layerChain, dropoutRate, hasDropout, NoDropoutError, type LayerChain, type McRequest, type OutputRequest, type ModelOutputs } from "./forward.js"
export { classificationMetrics, macroF1, argmaxRows, type ClassificationMetrics } from "./metrics.js"
export { deepFoolAttack, bimAttack, type AttackResult, type DeepFoolOptions, type BimOptions } from "./adversarial.js"
