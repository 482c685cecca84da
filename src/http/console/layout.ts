import { html, raw, type Html } from '../html.ts';

const css = `
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#0b3d91;color:#fff;padding:10px 20px;display:flex;gap:24px;align-items:center}
header a{color:#fff;text-decoration:none}header h1{font-size:18px;margin:0}
main{padding:16px 20px}table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #d0d7de;padding:6px 8px;text-align:left;font-size:14px;vertical-align:top}
th{background:#eef2f6}.lv-high{color:#b42318;font-weight:bold}.lv-medium{color:#b54708}.lv-low{color:#475467}
.cards{display:flex;gap:12px;margin-bottom:16px;flex-wrap:wrap}.card{background:#fff;border:1px solid #d0d7de;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}.muted{color:#667085;font-size:12px}ul.reasons{margin:0;padding-left:18px}
`;

export function layout(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · ipclue 侵权假冒线索监测预警平台</title><style>${raw(css)}</style></head>
<body><header><h1>ipclue 侵权假冒线索监测预警平台</h1><nav><a href="/">预警队列</a> · <a href="/api/docs">接口文档</a></nav></header>
<main>${body}</main></body></html>`;
}
