/** Display names of the voice providers: brand names, the same in every language. */
export const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  deepgram: 'Deepgram',
  cartesia: 'Cartesia',
  elevenlabs: 'ElevenLabs',
};

const regionNames = new Map<string, Intl.DisplayNames | null>();

/** "United States" for `US` in the widget's locale; the code itself where Intl cannot name it. */
export function countryName(code: string, locale: string): string {
  let names = regionNames.get(locale);
  if (names === undefined) {
    try {
      names = new Intl.DisplayNames([locale], { type: 'region' });
    } catch {
      names = null;
    }
    regionNames.set(locale, names);
  }
  try {
    return names?.of(code) ?? code;
  } catch {
    return code;
  }
}
