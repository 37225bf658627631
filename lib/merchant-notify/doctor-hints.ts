import type { BadAckReason, Diagnosis, DoctorClass } from "./doctor";
import type { Locale } from "@/lib/i18n/locale";

/**
 * The notification doctor's words (lib/merchant-notify/doctor.ts): for each class a short label and a fix hint the
 * operator can act on, in Chinese (default) and English. Shown in the order timeline, the failing-shops list and
 * the alerts. Kept apart from the console dictionaries so the doctor's classes and their texts change together.
 */
export interface DoctorText {
  label: string;
  hint: string;
}

type DoctorDictionary = Record<DoctorClass, DoctorText> & { badAck: Record<BadAckReason, string> };

const zhCN: DoctorDictionary = {
  dns: {
    label: "域名解析失败",
    hint: "通知地址的域名解析不到：检查域名拼写、DNS 解析记录是否生效，或域名是否已过期。",
  },
  refused: {
    label: "连接被拒绝或重置",
    hint: "服务器拒绝或中断了连接：确认网站在运行、端口正确，防火墙/安全组放行了本服务的出口 IP。",
  },
  timeout: {
    label: "响应超时",
    hint: "商户站在时限内没有应答：检查回调处理是否过慢（先回 success 再处理业务），或服务器是否过载。",
  },
  tls_expired: {
    label: "HTTPS 证书已过期",
    hint: "网站的 SSL 证书已过期：续签证书（如 Let's Encrypt 自动续期是否失败）。",
  },
  tls_self_signed: {
    label: "HTTPS 证书不受信任",
    hint: "证书是自签名或缺少中间证书：换用受信任 CA 签发的证书，并在服务器上配置完整证书链。",
  },
  tls_wrong_host: {
    label: "HTTPS 证书域名不符",
    hint: "证书不包含通知地址的域名：为该域名签发证书，或把通知地址改成证书上的域名。",
  },
  tls_other: { label: "HTTPS 握手失败", hint: "TLS 握手出错：检查服务器的 SSL 配置（协议版本、加密套件）。" },
  redirect: {
    label: "被重定向",
    hint: "通知地址返回了跳转（301/302）：多为 http 跳 https 或少了结尾斜杠，请把通知地址改成跳转后的最终地址。",
  },
  not_found_or_method: {
    label: "路径不存在或请求方式不对",
    hint: "404/405：通知地址路径有误，或商户站的回调路由只接受 GET/POST 中的另一种，请核对插件的回调地址和请求方式。",
  },
  waf_challenge: {
    label: "被防火墙/CDN 拦截",
    hint: "请求被 CDN 或 WAF（Cloudflare、宝塔、阿里云、腾讯云等）的验证页拦下：为回调路径加白名单或放行本服务的 IP。",
  },
  server_error: {
    label: "商户站服务器错误",
    hint: "商户站返回 5xx：查看商户站的错误日志（PHP 报错、数据库连接失败等）。",
  },
  client_error: { label: "请求被商户站拒绝", hint: "商户站返回 4xx：核对通知地址、签名密钥与插件配置。" },
  bad_ack: {
    label: "应答不是 success",
    hint: "商户站收到了通知，但回复的不是 success：确认验签通过后只输出 success，前后不要有其他内容。",
  },
  url_refused: {
    label: "地址被安全策略拒绝",
    hint: "通知地址指向内网或本机：若商户站确实在内网，请把该主机加入商户的 allowed_hosts。",
  },
  other: { label: "其他错误", hint: "未能归类的错误：请查看该次尝试的详细记录。" },
  badAck: {
    empty: "回复为空：回调脚本可能中途出错退出。",
    bom: "success 前有 BOM：把回调文件另存为“UTF-8 无 BOM”。",
    whitespace: "success 前后有空白或换行：检查 PHP 结束标记 ?> 之后的空行。",
    case: "大小写不符：请输出小写的 success。",
    html: "回复是 HTML 页面：可能是登录页、错误页或框架的默认页面，通知没有到达回调处理代码。",
    json: "回复是 JSON：这些协议要求纯文本 success，而不是 JSON。",
    fail: "商户站回复失败（fail/签名错误）：多为通讯密钥不一致，核对插件中的密钥。",
    text: "回复了其他文字：只应输出 success。",
  },
};

const en: DoctorDictionary = {
  dns: {
    label: "DNS lookup failed",
    hint: "The notify URL's host does not resolve: check the spelling, the DNS records, or whether the domain expired.",
  },
  refused: {
    label: "Connection refused or reset",
    hint: "The server refused or cut the connection: check that the site runs, the port is right and the firewall lets Paydesk's address in.",
  },
  timeout: {
    label: "Timed out",
    hint: "The shop did not answer in time: answer success first and do the slow work after, or check the server's load.",
  },
  tls_expired: {
    label: "Certificate expired",
    hint: "The site's TLS certificate has expired: renew it (did automatic Let's Encrypt renewal fail?).",
  },
  tls_self_signed: {
    label: "Certificate not trusted",
    hint: "The certificate is self-signed or its chain is incomplete: use a certificate from a trusted CA and serve the full chain.",
  },
  tls_wrong_host: {
    label: "Certificate for another host",
    hint: "The certificate does not name the notify URL's host: issue one for it, or use the host the certificate names.",
  },
  tls_other: { label: "TLS handshake failed", hint: "Check the server's TLS settings (protocol versions, ciphers)." },
  redirect: {
    label: "Redirected",
    hint: "The notify URL answered with a redirect (301/302), usually http → https or a missing slash: use the final URL.",
  },
  not_found_or_method: {
    label: "Wrong path or method",
    hint: "404/405: the path is wrong, or the shop's callback route accepts only the other of GET/POST: check the plugin's callback URL.",
  },
  waf_challenge: {
    label: "Blocked by a WAF/CDN",
    hint: "A CDN or WAF challenge page (Cloudflare, BT panel, Alibaba Cloud, Tencent Cloud…) stopped the call: allow the callback path or Paydesk's address.",
  },
  server_error: {
    label: "Shop server error",
    hint: "The shop answered 5xx: read its error log (PHP errors, database down…).",
  },
  client_error: {
    label: "Refused by the shop",
    hint: "The shop answered 4xx: check the notify URL, the key and the plugin settings.",
  },
  bad_ack: {
    label: "Answer is not success",
    hint: "The shop got the notification but did not answer success: after verifying, print success and nothing else.",
  },
  url_refused: {
    label: "Refused by the address policy",
    hint: "The notify URL points into a private network: if the shop really is there, add its host to the merchant's allowed_hosts.",
  },
  other: { label: "Other error", hint: "An error the doctor does not know: read the attempt's details." },
  badAck: {
    empty: "Empty answer: the callback script probably stopped on an error.",
    bom: "A BOM before success: save the callback file as UTF-8 without BOM.",
    whitespace: "Whitespace around success: look for blank lines after a closing ?> tag.",
    case: "Wrong case: print success in lower case.",
    html: "An HTML page: a login, error or default page answered, not the callback code.",
    json: "A JSON answer: these protocols expect the plain text success, not JSON.",
    fail: "The shop answered fail or a signature error: the keys on both sides probably differ.",
    text: "Some other text: print only success.",
  },
};

const DICTIONARIES: Record<Locale, DoctorDictionary> = { "zh-CN": zhCN, en };

/** Label and hint for a diagnosis; a bad_ack's hint carries its sub-reason's advice too. */
export function doctorText(d: Diagnosis, locale: Locale = "zh-CN"): DoctorText {
  const dict = DICTIONARIES[locale];
  const base = dict[d.class];
  if (d.class === "bad_ack" && d.detail && d.detail in dict.badAck)
    return { label: base.label, hint: `${dict.badAck[d.detail as BadAckReason]} ${base.hint}` };
  return base;
}
