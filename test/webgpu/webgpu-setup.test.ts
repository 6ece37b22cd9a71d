// On a machine where Dawn cannot load (this project's CI: glibc 2.36, no GPU), starting the webgpu engine must fail
// with a message naming the reason, and the webgpu conformance entries must skip with that reason printed.
import { describe, expect, it } from 'vitest';
import { glibcVersion } from '../../libs/backend/src/engines/probe';
import { WebgpuUnavailableError, setupWebgpu } from '../../libs/backend/src/engines/webgpu-setup';
import { webgpuConformance } from '../../libs/backend/src/webgpu/conformance-entry';

const glibc = glibcVersion();
const [major = 0, minor = 0] = (glibc ?? '0.0').split('.').map(Number);
const oldGlibc = glibc !== undefined && (major < 2 || (major === 2 && minor < 38));
if (!oldGlibc) console.warn(`skipped: glibc ${glibc ?? 'unknown'} is new enough for Dawn, so the old-glibc refusal cannot be observed here`);

describe.skipIf(!oldGlibc)('webgpu engine on an old glibc', () => {
  it('refuses with a WebgpuUnavailableError naming glibc and the version found, without loading Dawn', async () => {
    const err = await setupWebgpu().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WebgpuUnavailableError);
    expect((err as Error).message).toContain('glibc >= 2.38');
    expect((err as Error).message).toContain(`glibc ${glibc}`);
  });

  it('skips every webgpu conformance entry with that reason, printed', async () => {
    for (const entry of webgpuConformance) {
      const reason = await entry.skipReason();
      console.warn(`skipped: ${entry.name}: ${reason ?? ''}`);
      expect(reason).toMatch(/glibc >= 2\.38/);
    }
  });
});
