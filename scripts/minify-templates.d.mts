import type { Plugin } from 'vite';

/** Vite plugin minifying the HTML and CSS inside the elements' Lit templates (see minify-templates.mjs). */
export function minifyTemplates(): Plugin;
