/**
 * Every kernel of ours the wasm backend trains with, installed in the one order that works: the
 * direct kernels first, because the fast matmul wraps the BatchMatMul and Transpose it finds.
 * The trainer's worker calls this; so do the benchmarks, so they measure what the worker runs.
 */
import { installDirectWasmKernels } from './kernels/wasm-direct.ts';
import { installSharedWasmIdentity } from './kernels/wasm-identity.ts';
import { installWasmConvKernels } from './wasm-conv.ts';
import { installFastWasmMatMul } from './wasm-kernels.ts';

export function installWasmTrainingKernels(matmul?: Parameters<typeof installFastWasmMatMul>[0]): void {
  installDirectWasmKernels();
  installFastWasmMatMul(matmul);
  installWasmConvKernels();
  installSharedWasmIdentity();
}
