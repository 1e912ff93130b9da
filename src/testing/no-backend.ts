// Stands in for the GPU and WASM backends in the localrec/testing build: it runs on the CPU
// backend only (the engine never asks for another there), and must not carry the others.
export {};
