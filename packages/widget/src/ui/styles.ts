/**
 * The launcher's styles. Theme through CSS custom properties set on the page's
 * `#chatbot-node-widget` (or `data-color`): --cbn-accent, --cbn-on-accent, --cbn-bg, --cbn-fg,
 * --cbn-muted, --cbn-radius, --cbn-font, --cbn-z.
 */
export const launcherCss = `
:host{all:initial;--a:var(--cbn-accent,#1d4ed8);--oa:var(--cbn-on-accent,#fff);--bg:var(--cbn-bg,#fff);--fg:var(--cbn-fg,#1f2328);--mu:var(--cbn-muted,#57606a);--r:var(--cbn-radius,14px);font:15px/1.45 var(--cbn-font,system-ui,-apple-system,"Segoe UI",Roboto,"PingFang SC","Microsoft YaHei",sans-serif);color:var(--fg)}
.launcher{position:fixed;bottom:20px;right:20px;z-index:var(--cbn-z,2147483000);width:56px;height:56px;border-radius:50%;border:0;background:var(--a);color:var(--oa);cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center;padding:0}
.left .launcher{right:auto;left:20px}
.launcher:focus-visible{outline:3px solid var(--fg);outline-offset:3px}
.launcher svg{width:28px;height:28px;fill:currentColor}
.open .launcher{display:none}
@media (max-width:480px){.launcher{bottom:14px;right:14px}.left .launcher{left:14px}}
@media (prefers-reduced-motion:no-preference){.launcher{transition:transform .15s}.launcher:hover{transform:scale(1.06)}}
`

/** The panel's styles (loaded with the panel). */
export const panelCss = `
.panel{position:fixed;bottom:20px;right:20px;z-index:var(--cbn-z,2147483000);width:380px;max-width:calc(100vw - 24px);height:min(640px,calc(100dvh - 40px));background:var(--bg);color:var(--fg);border-radius:var(--r);box-shadow:0 10px 40px rgba(0,0,0,.28);display:flex;flex-direction:column;overflow:hidden}
.left .panel{right:auto;left:20px}
.panel[hidden]{display:none}
@media (max-width:480px){.panel,.left .panel{inset:0;width:100%;max-width:none;height:var(--vvh,100dvh);border-radius:0}}
header{background:var(--a);color:var(--oa);padding:10px 12px;display:flex;align-items:center;gap:8px}
header .t{flex:1;min-width:0}
h2{margin:0;font-size:16px;font-weight:600;line-height:1.3}
header p{margin:0;font-size:12.5px;opacity:.92}
select,button,textarea{font:inherit;color:inherit}
header select{background:transparent;border:1px solid currentColor;border-radius:8px;padding:3px 4px;max-width:92px;color:var(--oa)}
header select option{color:#111;background:#fff}
.x{background:transparent;border:0;color:var(--oa);width:36px;height:36px;border-radius:8px;cursor:pointer;font-size:22px;line-height:1;display:grid;place-items:center}
button:focus-visible,select:focus-visible,a:focus-visible,textarea:focus-visible{outline:3px solid var(--a);outline-offset:2px}
header button:focus-visible,header select:focus-visible{outline-color:var(--oa)}
.status{font-size:13px;padding:6px 12px;background:#fff4ce;color:#4d3800;border-bottom:1px solid #e7d38a}
.status[hidden]{display:none}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}
.m{max-width:85%;display:flex;flex-direction:column;gap:3px}
.m .b{padding:8px 11px;border-radius:14px;overflow-wrap:anywhere;white-space:normal}
.m p{margin:0 0 .4em}.m p:last-child{margin-bottom:0}.m ul{margin:.2em 0;padding-left:1.2em}
.m code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;background:rgba(0,0,0,.07);padding:0 3px;border-radius:4px}
.m a{color:inherit;text-decoration:underline}
.m .meta{font-size:11.5px;color:var(--mu);padding:0 4px}
.visitor{align-self:flex-end;align-items:flex-end}.visitor .b{background:var(--a);color:var(--oa);border-bottom-right-radius:4px}
.bot{align-self:flex-start}.bot .b{background:#f0f2f5;border-bottom-left-radius:4px}
.agent{align-self:flex-start}.agent .b{background:#e6f4ea;border:1px solid #8cc09a;border-bottom-left-radius:4px}
.agent .meta{color:#1e5b2e;font-weight:600}
.system{align-self:center;max-width:95%;text-align:center}.system .b{background:transparent;color:var(--mu);font-size:13px;padding:2px 6px}
.m.queued .b{opacity:.75}.m .err{color:#a40e26;font-size:12.5px}
.m.busy .b:empty::after{content:"…"}
.cards{display:flex;gap:8px;overflow-x:auto;scroll-snap-type:x mandatory;padding:2px 2px 6px;max-width:100%}
.bot.has-cards{max-width:100%}
.card{flex:0 0 168px;scroll-snap-align:start;border:1px solid #d0d7de;border-radius:12px;overflow:hidden;background:#fff;display:flex;flex-direction:column}
.cards.one .card{flex-basis:220px}
.card img{width:100%;height:112px;object-fit:cover;background:#f6f8fa;display:block}
.card .c{padding:8px;display:flex;flex-direction:column;gap:2px;flex:1}
.card h3{font-size:14px;margin:0;font-weight:600;line-height:1.3}
.card .price{font-weight:700}
.card .stock{font-size:12.5px;color:#1e6b34}.card .stock.out{color:#a40e26}
.card .add{margin-top:4px;border:1px solid var(--a);color:var(--a);background:var(--bg);border-radius:8px;padding:3px 8px;cursor:pointer;font-size:13px}
.card a{margin-top:auto;align-self:flex-start;color:var(--a);font-weight:600;font-size:13.5px;padding:2px 0}
.sugg{display:flex;gap:6px;padding:0 12px 8px;overflow-x:auto;scrollbar-width:thin}
.sugg button{flex:0 0 auto;white-space:nowrap;border:1px solid var(--a);color:var(--a);background:var(--bg);border-radius:16px;padding:5px 11px;cursor:pointer;font-size:13.5px;text-align:left}
.typing{padding:0 14px 6px;font-size:13px;color:var(--mu)}
.typing[hidden]{display:none}
.err-bar{color:#a40e26;font-size:13px;padding:0 12px 6px}
.err-bar:empty{display:none}
form{display:flex;gap:8px;padding:8px 10px 10px;border-top:1px solid #d0d7de;align-items:flex-end}
textarea{flex:1;box-sizing:border-box;resize:none;border:1px solid #8c959f;border-radius:10px;padding:8px 10px;min-height:40px;max-height:120px;background:var(--bg);font-size:16px;line-height:1.35}
.send{background:var(--a);color:var(--oa);border:0;border-radius:10px;padding:0 14px;height:40px;cursor:pointer;font-weight:600}
.tools{display:flex;justify-content:flex-end;padding:0 10px}
.human{background:transparent;border:0;color:var(--a);text-decoration:underline;cursor:pointer;font-size:13px;padding:4px 2px}
.human[hidden]{display:none}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`
