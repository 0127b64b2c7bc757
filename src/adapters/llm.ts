/**
 * The optional language model (docs/assist.md, "Language-model hook"): a client for an OpenAI-compatible
 * chat-completions endpoint the centre configures — a self-hosted server (vLLM, Ollama, llama.cpp, Xinference…)
 * or a provider's. Off by default: without LLM_BASE_URL there is no model and nothing leaves the machine.
 *
 * One request per call, no retries (a person is waiting and can press the button again), low temperature so the
 * same ticket gives much the same advice. Every failure is a LanguageModelError with a stable code; the key
 * never appears in an error or a log line.
 */
import type { Config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';

export type ChatMessage = { role: 'system' | 'user'; content: string };

/** What the advice needs of a model; tests and other back ends implement it too. */
export interface LanguageModel {
  /** The model name sent with each request (LLM_MODEL) */
  readonly model: string;
  /** The assistant's answer to the messages, trimmed; throws LanguageModelError. */
  chat(messages: ChatMessage[], opts?: { maxTokens?: number }): Promise<string>;
}

export type LanguageModelErrorCode = 'llm_timeout' | 'llm_unavailable' | 'llm_bad_answer';

/** The endpoint failed: 504 when it took longer than LLM_TIMEOUT_MS, 502 when it refused, failed or answered nonsense. */
export class LanguageModelError extends DomainError {
  constructor(code: LanguageModelErrorCode, details: Record<string, unknown> = {}) {
    super(code, code === 'llm_timeout' ? 504 : 502, {}, details);
  }
}

/** An answer larger than this is not advice for a person (and not read into memory whole). */
const MAX_ANSWER_BYTES = 1_000_000;

type Options = { baseUrl: string; apiKey?: string; model: string; timeoutMs: number };

/** POST {base}/chat/completions with Node's fetch; the answer is choices[0].message.content. */
export class OpenAiCompatibleModel implements LanguageModel {
  readonly model: string;
  readonly #url: string;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;

  constructor(o: Options) {
    this.model = o.model;
    this.#url = `${o.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    this.#apiKey = o.apiKey || undefined;
    this.#timeoutMs = o.timeoutMs;
  }

  async chat(messages: ChatMessage[], opts: { maxTokens?: number } = {}): Promise<string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    const body = JSON.stringify({ model: this.model, messages, temperature: 0.1, max_tokens: opts.maxTokens ?? 500, stream: false });
    // One signal for the whole exchange: a server that sends headers and then stalls the body times out too.
    const signal = AbortSignal.timeout(this.#timeoutMs);
    let text: string;
    try {
      // redirect 'error': an API endpoint that redirects is misconfigured, and the key must not follow it anywhere.
      const res = await fetch(this.#url, { method: 'POST', headers, body, signal, redirect: 'error' });
      const length = Number(res.headers.get('content-length') ?? 0);
      if (length > MAX_ANSWER_BYTES) {
        await res.body?.cancel();
        throw new LanguageModelError('llm_bad_answer', { reason: 'too_large' });
      }
      text = await res.text();
      if (!res.ok) throw new LanguageModelError('llm_unavailable', { upstreamStatus: res.status });
    } catch (e) {
      if (e instanceof LanguageModelError) throw e;
      if (signal.aborted) throw new LanguageModelError('llm_timeout', { timeoutMs: this.#timeoutMs });
      throw new LanguageModelError('llm_unavailable', { reason: networkReason(e) });
    }
    return answerOf(text);
  }
}

/** The first choice's message content, without a reasoning model's <think>…</think> preamble. */
export function answerOf(text: string): string {
  if (text.length > MAX_ANSWER_BYTES) throw new LanguageModelError('llm_bad_answer', { reason: 'too_large' });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new LanguageModelError('llm_bad_answer', { reason: 'not_json' });
  }
  const content = (data as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw new LanguageModelError('llm_bad_answer', { reason: 'no_content' });
  const answer = content.replace(/<think>[\s\S]*?<\/think>/g, '').trim();
  if (!answer) throw new LanguageModelError('llm_bad_answer', { reason: 'empty' });
  return answer;
}

/** A short, key-free reason for a failed connection (ECONNREFUSED, ENOTFOUND…), for the log and the problem details. */
function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network';
}

export type LlmConfig = Pick<Config, 'LLM_BASE_URL' | 'LLM_API_KEY' | 'LLM_MODEL' | 'LLM_TIMEOUT_MS'>;

/** The configured model, or null when LLM_BASE_URL is unset (the hook is off). */
export function languageModelFor(config: LlmConfig): LanguageModel | null {
  if (!config.LLM_BASE_URL) return null;
  return new OpenAiCompatibleModel({
    baseUrl: config.LLM_BASE_URL,
    apiKey: config.LLM_API_KEY,
    model: config.LLM_MODEL,
    timeoutMs: config.LLM_TIMEOUT_MS,
  });
}
