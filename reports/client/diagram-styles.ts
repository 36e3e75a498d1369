// The diagram's and the diff view's style rules (appended to the page's style sheet).
export const DIAGRAM_STYLES = `
.fl-dg-toolbar { display: flex; gap: 12px; align-items: center; padding: 6px 8px; font-size: 12px; flex-wrap: wrap; }
.fl-dg-toolbar button { font: inherit; padding: 2px 8px; border: 1px solid #b8bfca; border-radius: 4px; background: #fff; cursor: pointer; }
.fl-dg-toolbar button:disabled { opacity: 0.5; cursor: default; }
.fl-dg-status { color: #5b6472; margin-left: auto; font-variant-numeric: tabular-nums; }
.fl-dg-body { position: relative; width: 100%; user-select: none; }
.fl-dg-canvas { display: block; cursor: crosshair; touch-action: none; }
.fl-dg-labels { position: absolute; left: 0; top: 0; width: 150px; pointer-events: none; }
.fl-lane-label { position: absolute; left: 0; width: 146px; padding: 6px 0 0 8px; box-sizing: border-box; border-right: 1px solid #d5d9e0; background: #fbfbfc; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.fl-lane-label strong { font-size: 13px; margin-right: 6px; }
.fl-lane-client strong { color: #0b8043; }
.fl-lane-roles { font-size: 11px; color: #5b6472; }
.fl-tooltip { position: absolute; z-index: 10; max-width: 360px; max-height: 420px; overflow: hidden; background: #fff; border: 1px solid #9aa3b0; border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,0.15); padding: 8px 10px; font-size: 12px; pointer-events: none; }
.fl-dg-detail { margin: 4px 8px 8px 158px; padding: 8px 10px; border: 1px solid #d5d9e0; border-radius: 6px; background: #fff; font-size: 12px; max-height: 280px; overflow: auto; }
.fl-dg-detail:empty { display: none; }
.fl-detail-title { font-weight: 600; margin-bottom: 4px; }
.fl-detail-sub { margin-top: 6px; font-weight: 600; color: #5b6472; }
.fl-kv { display: flex; gap: 8px; }
.fl-k { color: #5b6472; min-width: 96px; }
.fl-v { font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.fl-json { margin: 6px 0; padding: 6px; background: #f5f6f8; border-radius: 4px; font: 11px/1.35 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 220px; overflow: auto; }
.fl-diff-run { border-top: 2px solid #d5d9e0; }
.fl-diff-title { padding: 8px 8px 0; font-size: 14px; font-weight: 600; }
.fl-diff-title .fl-verdict-fail { color: #fff; background: #d0342c; padding: 0 6px; border-radius: 3px; }
.fl-diff-title .fl-verdict-pass { color: #fff; background: #1e8e3e; padding: 0 6px; border-radius: 3px; }
.fl-divergence { margin: 8px; padding: 8px 10px; border-left: 4px solid #e8710a; background: #fff4e5; font-size: 13px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.fl-divergence button { font: inherit; padding: 2px 8px; border: 1px solid #e8710a; border-radius: 4px; background: #fff; cursor: pointer; }
`;
