import { describe, expect, it } from "vitest";
import { answerText, jsonAnswer } from "./json-answer";

describe("jsonAnswer (the merchant handlers' JSON, its text kept for the fast lane)", () => {
  const body = { code: 1, msg: "查询订单号成功！", trade_no: "P1", endtime: null, status: 0 };

  it("answers exactly as Response.json: status, headers and body", async () => {
    const init = { status: 429, headers: { "Cache-Control": "no-store", "Retry-After": "60" } };
    const ours = jsonAnswer(body, init);
    const theirs = Response.json(body, init);
    expect(ours.status).toBe(theirs.status);
    expect([...ours.headers]).toEqual([...theirs.headers]);
    expect(await ours.text()).toBe(await theirs.text());
  });

  it("keeps a content type the caller set", () => {
    const r = jsonAnswer(body, { headers: { "content-type": "application/json; charset=utf-8" } });
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
  });

  it("gives the fast lane the text of its own answers only", () => {
    expect(answerText(jsonAnswer(body))).toBe(JSON.stringify(body));
    expect(answerText(Response.json(body))).toBeUndefined();
  });
});
