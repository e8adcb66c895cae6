/** A rules file that cannot be used: the message, for people, names the file and what is wrong with it. */
export class RulesFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RulesFileError';
  }
}
