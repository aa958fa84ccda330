/**
 * Vite plugin: minifies the HTML and CSS inside the elements' Lit templates (`html`…``, `css`…``),
 * which the JS minifier leaves as written: indentation, newlines and comments, about a sixth of
 * the bundle. Used by every build (npm, CDN, IIFE) and by the bundle benchmark, so what is
 * measured is what ships.
 *
 * minify-literals (html-minifier-next + Lightning CSS) does the work. Its HTML options are set
 * for Lit templates: whitespace collapses the way html-minifier does it (kept as one space
 * between inline content, dropped around block elements), and nothing that changes meaning is
 * touched: empty attributes stay (`<option value="">` is not `<option>`), entities stay
 * encoded, quotes stay, optional closing tags stay.
 */
import { minifyHTMLLiterals } from 'minify-literals';

const html = {
  caseSensitive: true,
  collapseWhitespace: true,
  removeComments: true,
  decodeEntities: false,
  removeAttributeQuotes: false,
  removeEmptyAttributes: false,
  removeOptionalTags: false,
  removeRedundantAttributes: false,
  removeDefaultTypeAttributes: false,
  minifyJS: false,
  minifyCSS: { minify: true },
};

/** Only the elements' own modules carry templates; core and hub code is left alone. */
const ELEMENT_SOURCE = /[\\/]src[\\/]components[\\/].+\.ts$/;

export function minifyTemplates() {
  return {
    name: 'admin-realtime:minify-templates',
    async transform(code, id) {
      if (!ELEMENT_SOURCE.test(id) || !/\b(?:html|css|svg)`/.test(code)) return null;
      const result = await minifyHTMLLiterals(code, { fileName: id, html, css: { minify: true } });
      if (!result) return null;
      return { code: result.code, map: result.map };
    },
  };
}
