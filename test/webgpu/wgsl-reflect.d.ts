// wgsl_reflect's "main" is a CommonJS file inside a "type": "module" package, so Node can only load its ES module
// build by path; this gives that path the package's own types.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
