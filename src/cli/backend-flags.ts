/** The tfjs backend flags, shared by every command that computes. */
import type * as Option from "effect/Option"
import { Backend, type BackendPreference, backendPreferences } from "../runtime/backend.js"
import { choiceFlag, integerFlag } from "./flags.js"

export const backendFlags = {
  backend: choiceFlag("backend", "tfjs backend", backendPreferences, { default: "auto" }),
  threads: integerFlag("threads", "cores for the wasm backend's XNNPACK threads (default: all of this machine's, up to 8; results do not depend on it)", { min: 1 })
}

/** The backend the flags choose. */
export const backendLayer = (o: { readonly backend: BackendPreference; readonly threads: Option.Option<number> }) =>
  Backend.layer(o.backend, o.threads._tag === "Some" ? { threads: o.threads.value } : {})
