/**
 * Registers a tag unless something already did: the script included twice, or two versions on one
 * page, must not crash (THREATS 24). The first registration wins.
 */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
