import { html, raw, type Html } from '../html.ts';

const css = `
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#0b3d91;color:#fff;padding:10px 20px;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none}header h1{font-size:18px;margin:0}header .who{margin-left:auto;font-size:13px}
header .who form{display:inline}header .who button{background:none;border:1px solid #fff;color:#fff;cursor:pointer}
main{padding:16px 20px}table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #d0d7de;padding:6px 8px;text-align:left;font-size:14px;vertical-align:top}
th{background:#eef2f6}.lv-high{color:#b42318;font-weight:bold}.lv-medium{color:#b54708}.lv-low{color:#475467}
.cards{display:flex;gap:12px;margin-bottom:16px;flex-wrap:wrap}.card{background:#fff;border:1px solid #d0d7de;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}.muted{color:#667085;font-size:12px}ul.reasons{margin:0;padding-left:18px}
form.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:end;background:#fff;border:1px solid #d0d7de;padding:10px;margin-bottom:12px}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:#475467}
.panel{background:#fff;border:1px solid #d0d7de;padding:12px 16px;margin-bottom:12px}
.panel h3{margin:0 0 8px;font-size:15px}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px}
.actions form{display:flex;gap:6px;flex-wrap:wrap;align-items:center;margin:6px 0}
tr.sel{outline:2px solid #0b3d91}.flag{padding:2px 6px;border-radius:3px;background:#fef0c7}.gone{color:#b42318}
.error{color:#b42318}.notice{background:#ecfdf3;border:1px solid #abefc6;padding:8px 12px;margin-bottom:12px}
img.thumb{max-width:120px;max-height:120px;border:1px solid #d0d7de;margin-right:6px}kbd{border:1px solid #98a2b3;border-radius:3px;padding:0 4px;font-size:12px}
`;

export interface LayoutUser {
  name: string;
  role: string;
  via?: string;
  csrfToken?: string;
}

const roleWords: Record<string, string> = { admin: '管理员', reviewer: '审核人员', rights_holder: '权利人', viewer: '演示访客' };

export function layout(title: string, body: Html, user?: LayoutUser | null): Html {
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · ipclue 侵权假冒线索监测预警平台</title><style>${raw(css)}</style></head>
<body><header><h1>ipclue 侵权假冒线索监测预警平台</h1><nav><a href="/">预警队列</a> · <a href="/dashboard">统计看板</a> · <a href="/clues">线索</a> · <a href="/reports">报告</a> · <a href="/subscriptions">订阅</a> · <a href="/settings/alerts">预警规则</a> · <a href="/marks">重点商标</a> · <a href="/gis">地理标志</a> · <a href="/blacklist">黑名单</a> · <a href="/sources">数据源</a> · <a href="/crawls">采集记录</a> · <a href="/api/docs">接口文档</a></nav>
${user
  ? html`<span class="who">${user.name}（${roleWords[user.role] ?? user.role}）${
      user.via === 'session' && user.csrfToken
        ? html` <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${user.csrfToken}"><button type="submit">退出</button></form>`
        : ''
    }</span>`
  : ''}</header>
<main>${body}</main></body></html>`;
}
