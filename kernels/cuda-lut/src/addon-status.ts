/** Whether the CUDA addon is built and sees a device; the addon build (issue 9) fills this in. */
export interface AddonStatus {
  readonly built: boolean;
  readonly devices: number;
  readonly detail: string;
}

export const addonStatus = (): AddonStatus => ({ built: false, devices: 0, detail: 'not built (CUDA addon not implemented yet)' });
