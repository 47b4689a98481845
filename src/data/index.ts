/**
 * Data: Datasets in typed arrays: the loaders (MNIST, Fashion-MNIST, SpamAssassin, image folders,
 * CSV/JSONL, text), the catalogue of names, the immutable `Pool`, the `LabeledSet`, splits.
 */
export * from "./dataset.js"
export { DataError, DataConfigError, type DataErrorReason } from "./errors.js"
export { readIdx, parseIdx, type IdxArray } from "./idx.js"
export { loadMnist, mnistDataDir, idxDataset, type IdxFile } from "./mnist.js"
export { loadDataset, datasetNames, datasetForms, datasetDescriptions, datasetKind, parseDatasetName, type DatasetOptions, type DatasetRef } from "./catalogue.js"
export { loadImageFolder, imageExtensions } from "./folder.js"
export { loadTable, type TableFormat } from "./table.js"
export { loadFashionMnist, fashionMnistDir, fashionClasses } from "./fashion-mnist.js"
export { loadSpam, emailText, spamClasses } from "./spam.js"
export { tokenize, buildVocabulary, vectorize, textDatasets, type TextOptions, type TextSplit, type Vocabulary } from "./text.js"
export * from "./pool.js"
export { initialIndices, subsample, splitValidation, type InitialSelection } from "./split.js"
export { appendLabeled, emptyLabeledSet, labeledSet, labelOf, type LabeledSet } from "./labeled-set.js"
export { halfPlane } from "./toy.js"
