import type { Plan, PlanChange, Pool, PoolBalance, Purchase } from '@creditkit/contract';
import type { CreditkitError } from '@creditkit/sdk';

/**
 * Every creditkit event bubbles and is composed, so the host page can listen on the widget, the
 * provider or the document. Change events fire only on what the user or the platform did, never on
 * first render.
 */
const init = { bubbles: true, composed: true } as const;

export class CkPurchaseCompleteEvent extends Event {
  static readonly type = 'ck-purchase-complete';
  constructor(readonly purchase: Purchase) {
    super(CkPurchaseCompleteEvent.type, init);
  }
}

export class CkPurchaseFailedEvent extends Event {
  static readonly type = 'ck-purchase-failed';
  constructor(
    readonly purchase: Purchase | null,
    readonly error: CreditkitError | null,
  ) {
    super(CkPurchaseFailedEvent.type, init);
  }
}

export class CkPlanChangeEvent extends Event {
  static readonly type = 'ck-plan-change';
  constructor(
    readonly change: PlanChange,
    readonly plan: Plan,
  ) {
    super(CkPlanChangeEvent.type, init);
  }
}

export class CkBalanceLowEvent extends Event {
  static readonly type = 'ck-balance-low';
  constructor(
    readonly pool: Pool,
    readonly balance: PoolBalance,
  ) {
    super(CkBalanceLowEvent.type, init);
  }
}

export class CkBalanceDepletedEvent extends Event {
  static readonly type = 'ck-balance-depleted';
  constructor(
    readonly pool: Pool,
    readonly balance: PoolBalance,
  ) {
    super(CkBalanceDepletedEvent.type, init);
  }
}

export class CkSessionExpiredEvent extends Event {
  static readonly type = 'ck-session-expired';
  constructor(readonly error: CreditkitError) {
    super(CkSessionExpiredEvent.type, init);
  }
}

export class CkErrorEvent extends Event {
  static readonly type = 'ck-error';
  constructor(readonly error: CreditkitError) {
    super(CkErrorEvent.type, init);
  }
}

/** Cancelable: call `preventDefault()` to show your own checkout (an in-page dialog, a new tab). */
export class CkCheckoutEvent extends Event {
  static readonly type = 'ck-checkout';
  constructor(readonly purchase: Purchase) {
    super(CkCheckoutEvent.type, { ...init, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ck-purchase-complete': CkPurchaseCompleteEvent;
    'ck-purchase-failed': CkPurchaseFailedEvent;
    'ck-plan-change': CkPlanChangeEvent;
    'ck-balance-low': CkBalanceLowEvent;
    'ck-balance-depleted': CkBalanceDepletedEvent;
    'ck-session-expired': CkSessionExpiredEvent;
    'ck-error': CkErrorEvent;
    'ck-checkout': CkCheckoutEvent;
  }
}
