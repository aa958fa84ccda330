import { type AttributePart, noChange } from 'lit';
import { Directive, directive } from 'lit/directive.js';

/**
 * `style=${styleProperty(name, value)}` (on `style` only): sets one style property through the CSSOM
 * (`style.setProperty`), as Lit's `styleMap` does for a map of one, so a strict `style-src`
 * Content-Security-Policy allows it; without `styleMap`'s code for maps and removed properties.
 */
class StyleProperty extends Directive {
  render(_name: string, _value: string): typeof noChange {
    return noChange;
  }

  override update(part: AttributePart, [name, value]: [string, string]): typeof noChange {
    (part.element as HTMLElement).style.setProperty(name, value);
    return noChange;
  }
}

export const styleProperty = directive(StyleProperty);
