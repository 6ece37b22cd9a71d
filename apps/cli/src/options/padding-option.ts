import { Padding } from '@approx-darts/network-plan';

/** `--padding`, on search and train: where stride-2 windows pad (docs/DARTS.md, "Padding"). */
export const PADDING_OPTION = [
  '--padding <mode>',
  "stride-2 padding: same (TF 'same', the paper's code: 0 before / 1 after on even inputs) or symmetric (PyTorch DARTS's (k-1)*d/2 on both sides)",
  'same',
] as const;

export { Padding as PaddingFlag };
