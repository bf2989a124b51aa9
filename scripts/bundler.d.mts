import type { InputOptions, OutputOptions } from 'rolldown';

export declare const root: string;
export declare const INPUT: InputOptions;
export declare const OUTPUT: OutputOptions;
