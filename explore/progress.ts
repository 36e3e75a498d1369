// How far a campaign has got, as it reports it to whoever displays progress (the CLI draws
// a bar from it).
export interface ProgressState {
  done: number;
  failures: number;
  /** Guided campaigns: distinct coverage keys reached so far. */
  coverage?: number;
}
