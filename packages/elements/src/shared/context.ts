import type { CreditkitClient, CreditkitError } from '@creditkit/sdk';
import { createContext } from '@lit/context';

/** What ck-provider hands every widget inside it. */
export interface Provided {
  client: CreditkitClient | null;
  /** Why there is no client (bad configuration: THREATS 1, 2). */
  error: CreditkitError | null;
  /** The provider's `locale` attribute, if any. */
  locale: string | undefined;
}

export const providedContext = createContext<Provided>(Symbol('creditkit-client'));
