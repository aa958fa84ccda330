// @custom-elements-manifest/analyzer: reads the elements' JSDoc into custom-elements.json.
export default {
  globs: ['src/components/**/*.ts'],
  exclude: [
    'src/components/tags.ts',
    'src/components/**/*.styles.ts',
    'src/components/**/*.test.ts',
    'src/components/**/index.ts',
  ],
  outdir: '.',
  litelement: true,
  dependencies: false,
  packagejson: false,
};
