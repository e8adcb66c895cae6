/** The one error the store throws: its message is for people, its kind tells the API which status to answer with. */
export class StoreError extends Error {
  /** 'not-found': no such run / episode / morphology; 'conflict': the store's state forbids it; else bad input or file. */
  constructor(message: string, readonly kind: 'invalid' | 'not-found' | 'conflict' = 'invalid') {
    super(message);
    this.name = 'StoreError';
  }
}
