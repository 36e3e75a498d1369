// The text of a value a summary shows, built again only when the value changes: the kernel
// takes a summary after every handler at the full recording level (and with coverage),
// while the values shown as text (ballots, zxids) rarely change. One value per instance:
// compared with ===, so by identity for objects (which must not be mutated) and by value
// for numbers.

export class ShownText<T> {
  private value: T | undefined;
  private text: string | undefined;

  constructor(private readonly format: (value: T) => string) {}

  of(value: T): string {
    if (this.text === undefined || value !== this.value) {
      this.value = value;
      this.text = this.format(value);
    }
    return this.text;
  }
}
