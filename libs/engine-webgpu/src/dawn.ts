import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { errorLine } from './error-line';

/**
 * What Dawn for Node (the optional `webgpu` 0.6.2 package) needs on Linux, checked in the order a user fixes it:
 * glibc >= 2.34 for `dawn.node`, the Vulkan loader `libvulkan.so.1`, at least one Vulkan driver (an ICD manifest),
 * then an adapter. Each failure is a sentence naming the missing piece; nothing here throws.
 */

/** Dawn for Node 0.6.2's `dawn.node` links against glibc 2.34 symbols (0.2.x, nested under gpu.js, needed 2.38). */
export const dawnGlibc = '2.34';

/** glibc version of this process, or undefined on musl/non-Linux. */
export const glibcVersion = (): string | undefined => {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime;
};

/** Whether dotted version `v` is at least `min` (major.minor). */
export const versionAtLeast = (v: string, min: string): boolean => {
  const [a = 0, b = 0] = v.split('.').map(Number);
  const [c = 0, d = 0] = min.split('.').map(Number);
  return a > c || (a === c && b >= d);
};

// The loader's own search: these directories, then the ones in the XDG variables (the Vulkan loader's documented
// manifest locations on Linux).
const icdDirs = (): readonly string[] => {
  const xdg = [...(process.env['XDG_CONFIG_DIRS'] ?? '/etc/xdg').split(':'), ...(process.env['XDG_DATA_DIRS'] ?? '/usr/local/share:/usr/share').split(':')];
  return [...xdg.map((d) => join(d, 'vulkan/icd.d')), '/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d'];
};

const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64'];

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

// The directories of /etc/ld.so.conf.d: where a GPU driver's libraries often are (a container's NVIDIA libraries, say).
const ldConfDirs = (): readonly string[] =>
  manifests('/etc/ld.so.conf.d', '.conf').flatMap((f) =>
    (readText(f) ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('/')),
  );

/** Where the dynamic linker looks for a library named without a path: LD_LIBRARY_PATH, ld.so.conf.d, the system's. */
export const librarySearchDirs = (): readonly string[] => [
  ...new Set([...(process.env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean), ...ldConfDirs(), ...libDirs]),
];

/** SwiftShader's software Vulkan driver as Debian's `chromium-common` installs it: a driver the loader does not find by itself. */
export const swiftshaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

const manifests = (dir: string, suffix = '.json'): readonly string[] => {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(suffix))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
};

/** Where the Vulkan drivers come from: the environment's explicit list, or the loader's manifest directories. */
export interface VulkanDrivers {
  readonly source: 'VK_DRIVER_FILES' | 'VK_ICD_FILENAMES' | 'manifest directories' | 'swiftshader fallback';
  readonly files: readonly string[];
}

/** The Vulkan loader library, if one is installed where the dynamic linker looks (LD_LIBRARY_PATH first). */
export const vulkanLoader = (): string | undefined => librarySearchDirs().map((d) => join(d, 'libvulkan.so.1')).find((p) => existsSync(p));

/** The drivers in the loader's own manifest directories (what it finds when no variable names a list). */
export const manifestDirectoryDrivers = (): readonly string[] => [...new Set(icdDirs().flatMap((d) => manifests(d)))];

/** The drivers the Vulkan loader will see, before any fallback. */
export const vulkanDrivers = (): VulkanDrivers => {
  for (const name of ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES'] as const) {
    const list = process.env[name];
    if (list !== undefined && list !== '') return { source: name, files: list.split(':').filter(Boolean) };
  }
  return { source: 'manifest directories', files: manifestDirectoryDrivers() };
};

/**
 * Points the Vulkan loader at SwiftShader when no driver is configured and `chromium-common` provides one, so a
 * machine without a GPU still runs the webgpu engine (slowly, on the CPU). Must run before Dawn creates its instance:
 * the loader reads the variable then. Returns the drivers in effect.
 */
export const ensureVulkanDriver = (): VulkanDrivers => {
  const found = vulkanDrivers();
  if (found.files.length > 0 || !existsSync(swiftshaderIcd)) return found;
  process.env['VK_ICD_FILENAMES'] = swiftshaderIcd;
  return { source: 'swiftshader fallback', files: [swiftshaderIcd] };
};

/** The facts about this machine that decide whether Dawn can start. */
export interface DawnHost {
  readonly platform: NodeJS.Platform;
  readonly glibc: string | undefined;
  readonly loader: string | undefined;
  readonly drivers: VulkanDrivers;
  readonly exists: (path: string) => boolean;
  readonly readText: (path: string) => string | undefined;
  /** Where a driver library named without a path is looked for. */
  readonly libraryDirs: readonly string[];
  /** The drivers the loader would find by itself, for the advice when a variable names files that are not there. */
  readonly directoryDrivers: readonly string[];
}

/** This machine's facts, after the SwiftShader fallback. */
export const dawnHost = (): DawnHost => ({
  platform: process.platform,
  glibc: glibcVersion(),
  loader: vulkanLoader(),
  drivers: ensureVulkanDriver(),
  exists: existsSync,
  readText,
  libraryDirs: librarySearchDirs(),
  directoryDrivers: manifestDirectoryDrivers(),
});

/** A driver manifest, the library it names (`ICD.library_path`), and where that library is (undefined: not found). */
export interface IcdDriver {
  readonly manifest: string;
  readonly library: string | undefined;
  readonly found: string | undefined;
}

/**
 * Reads a manifest's library the way the Vulkan loader resolves it: a path relative to the manifest, an absolute
 * path, or a bare name looked for in the linker's directories.
 */
export const icdDriver = (manifest: string, host: Pick<DawnHost, 'exists' | 'readText' | 'libraryDirs'>): IcdDriver => {
  let library: unknown;
  try {
    library = (JSON.parse(host.readText(manifest) ?? '') as { ICD?: { library_path?: unknown } }).ICD?.library_path;
  } catch {
    library = undefined;
  }
  if (typeof library !== 'string' || library === '') return { manifest, library: undefined, found: undefined };
  const candidates = library.includes('/') ? [isAbsolute(library) ? library : join(dirname(manifest), library)] : host.libraryDirs.map((d) => join(d, library));
  return { manifest, library, found: candidates.find((c) => host.exists(c)) };
};

/** One phrase per driver: `M names L (found at P)` or `M names L, which is not found in D`. */
export const describeDrivers = (drivers: readonly IcdDriver[], libraryDirs: readonly string[]): string =>
  drivers
    .map((d) =>
      d.library === undefined
        ? `${d.manifest} names no library (unreadable manifest)`
        : d.found !== undefined
          ? `${d.manifest} names ${d.library} (found at ${d.found})`
          : `${d.manifest} names ${d.library}, which is not found${d.library.includes('/') ? '' : ` in ${libraryDirs.join(', ')}`}`,
    )
    .join('; ');

/** Why Dawn cannot start on `host`, or undefined when every prerequisite is present, in the order a user fixes them. */
export const dawnPrerequisiteProblem = (host: DawnHost): string | undefined => {
  if (host.glibc !== undefined && !versionAtLeast(host.glibc, dawnGlibc))
    return `Dawn for Node (the 'webgpu' package) needs glibc >= ${dawnGlibc}, this system has glibc ${host.glibc}; use --engine cpu here, or a newer OS`;
  if (host.platform !== 'linux') return undefined;
  if (host.loader === undefined) return 'the Vulkan loader libvulkan.so.1 is not installed (Debian/Ubuntu: apt-get install libvulkan1)';
  if (host.drivers.files.length === 0)
    return `no Vulkan driver: no ICD manifest in ${icdDirs().join(', ')} and neither VK_DRIVER_FILES nor VK_ICD_FILENAMES is set (install a GPU driver, or Debian's chromium-common for SwiftShader's software driver)`;
  const present = host.drivers.files.filter((f) => host.exists(f));
  if (present.length === 0) {
    // A variable naming absent files turns the loader's own search off: say what that search would have found.
    const advice = host.drivers.source.startsWith('VK_') && host.directoryDrivers.length > 0 ? `; unset ${host.drivers.source} to let the loader use ${host.directoryDrivers.join(', ')}` : '';
    return `no Vulkan driver: ${host.drivers.source} names ${host.drivers.files.join(', ')}, which does not exist${advice}`;
  }
  const drivers = present.map((f) => icdDriver(f, host));
  if (drivers.every((d) => d.found === undefined)) return `no Vulkan driver library: ${describeDrivers(drivers, host.libraryDirs)}`;
  return undefined;
};

/** The adapter fields Dawn reports (WebGPU's GPUAdapterInfo, read through getters). */
export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  /** A CPU implementation (SwiftShader): correct, but slower than the cpu engine; `auto` does not pick it. */
  readonly software: boolean;
}

/** Reads an adapter's info (its fields are prototype getters, so spread and JSON.stringify see nothing). */
export const describeAdapter = (adapter: unknown): AdapterDescription => {
  const info = ((adapter as { info?: Record<string, unknown> }).info ?? {}) as Record<string, unknown>;
  const field = (k: string): string => (typeof info[k] === 'string' ? (info[k] as string) : '');
  const [vendor, architecture, description] = [field('vendor'), field('architecture'), field('description')];
  const fallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true || info['isFallbackAdapter'] === true;
  return { vendor, architecture, description, software: fallback || /swiftshader|llvmpipe|lavapipe/i.test(`${architecture} ${description}`) };
};

/** One line naming an adapter, e.g. `google swiftshader (software)`. */
export const adapterLabel = (a: AdapterDescription): string =>
  `${[a.vendor, a.architecture, a.description].filter(Boolean).join(' ') || 'unknown adapter'}${a.software ? ' (software Vulkan: runs on the CPU)' : ''}`;

/** Dawn's module as loaded from `webgpu`. */
export interface DawnModule {
  readonly create: (flags: readonly string[]) => { requestAdapter: (o?: object) => Promise<unknown> };
  readonly globals: Record<string, unknown>;
}


// The package name in a variable keeps bundlers from trying to inline Dawn: it is loaded at run time, from
// node_modules or from dist/node_modules next to the single-file bundle.
const dawnPackage = 'webgpu';

/** A Dawn instance with its adapter, or the sentence saying why there is none. */
export type DawnStart =
  | { readonly ok: true; readonly dawn: DawnModule; readonly gpu: ReturnType<DawnModule['create']>; readonly adapter: unknown; readonly description: AdapterDescription }
  | { readonly ok: false; readonly problem: string };

/**
 * Loads Dawn and asks for an adapter, after checking the prerequisites (and falling back to SwiftShader when no
 * Vulkan driver is configured). Never throws.
 */
export const startDawn = async (flags: readonly string[] = []): Promise<DawnStart> => {
  const problem = dawnPrerequisiteProblem(dawnHost());
  if (problem !== undefined) return { ok: false, problem };
  let dawn: DawnModule;
  try {
    dawn = (await import(dawnPackage)) as DawnModule;
  } catch (e) {
    const msg = errorLine(e);
    if (/Cannot find (package|module) 'webgpu'/.test(msg) || (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND')
      return { ok: false, problem: `the optional package 'webgpu' (Dawn for Node 0.6.2) is not installed; run npm install, or keep dist/node_modules/webgpu next to the bundle` };
    return { ok: false, problem: `Dawn for Node did not load: ${msg}` };
  }
  const gpu = dawn.create(flags);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (adapter === null || adapter === undefined) {
    const host = dawnHost();
    const drivers = host.drivers.files.filter((f) => host.exists(f)).map((f) => icdDriver(f, host));
    const lavapipe = drivers.some((d) => /lvp|lavapipe/i.test(`${d.manifest} ${d.library ?? ''}`)) ? "; Mesa's lavapipe is refused by Dawn" : '';
    return { ok: false, problem: `Dawn loaded but the Vulkan driver offered no usable adapter (${describeDrivers(drivers, host.libraryDirs) || 'no driver manifest'}${lavapipe})` };
  }
  return { ok: true, dawn, gpu, adapter, description: describeAdapter(adapter) };
};
