/**
 * The one catalogue of errors a caller can see: the node's own, federation's (FEDERATION_ERRORS,
 * kept in federation/ because federation imports nothing from node/) and the refusals of single
 * events in an answer of `POST /api/v1/events`. Each code has a stable name, an HTTP status and a
 * default message (Chinese, English in parentheses); a code that can refuse one event also has the
 * message that event gets (`event`). Handlers throw `AppError`; the error renderer turns it (and
 * FederationError) into `{error: {code, message, details}}`. Anything else is a 500 whose details
 * never leave the server.
 */
import { FEDERATION_ERRORS } from '../../federation/index.ts';

interface CatalogueEntry {
  status: number;
  message: string;
  /** The message of one refused event with this code (absent: the code never refuses an event). */
  event?: string;
}

/** The node's own codes. */
const NODE_ERRORS = {
  VALIDATION_FAILED: { status: 400, message: '请求内容不符合格式要求 (request does not match the schema)', event: '事件不符合格式要求 (event does not match the schema)' },
  INVALID_JSON: { status: 400, message: '请求体不是合法的 JSON (body is not valid JSON)' },
  INVALID_PARAMETER: { status: 400, message: '参数无效 (invalid parameter)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '不支持的内容类型 (unsupported content type)' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '请求体过大 (body too large)' },
  JSON_TOO_DEEP: { status: 400, message: '请求体嵌套层级过深 (JSON body nested too deeply)' },
  INVALID_TEXT: { status: 400, message: '文本含有不允许的字符 (text holds a NUL character or a lone surrogate)' },
  RATE_LIMITED: { status: 429, message: '请求过于频繁, 请稍后再试 (too many requests: try again later)' },
  UNAUTHORIZED: { status: 401, message: '需要有效的访问令牌 (a valid bearer token is required)' },
  FORBIDDEN: { status: 403, message: '无权执行此操作 (your role may not do this)' },
  LOGIN_FAILED: { status: 401, message: '登录名或密码错误 (wrong login or password)' },
  INVALID_GRANT: { status: 401, message: '刷新令牌无效或已失效 (the refresh token is invalid, expired or revoked)' },
  INVALID_CLIENT: { status: 401, message: '客户端认证失败 (client authentication failed)' },
  UNSUPPORTED_GRANT_TYPE: { status: 400, message: '不支持的授权类型 (unsupported grant_type)' },
  WRONG_PASSWORD: { status: 403, message: '当前密码不正确 (the current password is wrong)' },
  NOT_A_USER: { status: 409, message: '仅限用户账号登录后操作 (only a signed-in user can do this)' },
  WEAK_PASSWORD: { status: 422, message: '密码不符合安全要求 (the password does not meet the password policy)' },
  ROLE_DEPARTMENTS: { status: 422, message: '部门设置与角色不符 (departments do not fit the role)' },
  LOGIN_TAKEN: { status: 409, message: '登录名已被使用 (the login is taken)' },
  NOT_FOUND: { status: 404, message: '资源不存在 (not found)' },
  METHOD_NOT_ALLOWED: { status: 405, message: '该资源不支持此请求方法 (method not allowed on this resource)' },
  NOT_IMPLEMENTED: { status: 501, message: '不支持的请求方法 (request method not implemented)' },
  UNKNOWN_DEPARTMENT: { status: 422, message: '部门不存在 (unknown department)', event: '部门不存在 (unknown department)' },
  LIMIT_ABOVE_LEGAL: { status: 422, message: '承诺时限不得超过法定时限 (committed limit above the legal limit)', event: '承诺时限超过法定时限 (promisedLimitDays above the item\'s legal limit)' },
  // Refusals of single events (each event of a batch is accepted or refused on its own).
  EVENT_CONFLICT: { status: 409, message: '同一 eventId 已以不同内容接收 (this eventId was already received with other content)', event: '同一 eventId 已以不同内容接收 (this eventId was already received with other content)' },
  UNKNOWN_ITEM: { status: 422, message: '事项不存在 (unknown item)', event: '事项不存在 (unknown item)' },
  ITEM_DEPARTMENT_MISMATCH: { status: 422, message: '事项不属于该部门 (the item belongs to another department)', event: '事项不属于该部门 (the item belongs to another department)' },
  CASE_ALREADY_ACCEPTED: { status: 409, message: '该办件已受理 (the case already has an accepted or notAccepted event)', event: '该办件已受理 (the case already has an accepted or notAccepted event)' },
  OCCURRED_AT_OUT_OF_RANGE: { status: 422, message: '发生时间 occurredAt 超出允许范围 (occurredAt is outside the accepted window)', event: '发生时间 occurredAt 超出允许范围 (occurredAt is outside the accepted window)' },
  EVENT_UNPROCESSABLE: { status: 422, message: '事件无法按时限规则处理 (the time rules cannot process this event)', event: '事件无法按时限规则处理 (the time rules cannot process this event)' },
  FORBIDDEN_DEPARTMENT: { status: 403, message: '无权报送该部门的办件 (this client may not report cases of that department)', event: '无权报送该部门的办件 (this client may not report cases of that department)' },
  POLICY_INVALID: { status: 422, message: '时限策略不一致 (inconsistent time-limit policy)' },
  POLICY_ISSUED_ABOVE: { status: 409, message: '由上级节点下发, 本节点不能修改 (issued by a node above; it cannot be changed here)' },
  ALERT_ACTION_NOT_ALLOWED: { status: 409, message: '当前状态下不允许此操作 (action not allowed in the alert\'s current state)' },
  APPEAL_WINDOW_CLOSED: { status: 409, message: '已超过申诉期限 (the appeal period has ended)' },
  ALREADY_APPEALED: { status: 409, message: '该预警已申诉过 (the alert was already appealed once)' },
  NOTIFICATION_NOT_FAILED: { status: 409, message: '只能重发发送失败的通知 (only a failed notification can be sent again)' },
  INTERNAL: { status: 500, message: '服务器内部错误 (internal error)' },
  UNAVAILABLE: { status: 503, message: '服务暂不可用 (service unavailable)' },
  AUDIT_UNAVAILABLE: { status: 503, message: '操作未执行: 无法写入审计日志, 请稍后重试 (nothing was changed: the audit trail could not record the change; try again later)' },
} as const satisfies Record<string, CatalogueEntry>;

/** Every code a caller can receive from this node, with its status and message. */
export const ERRORS = { ...FEDERATION_ERRORS, ...NODE_ERRORS } as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERRORS;

/** The codes that can refuse one event of a batch. */
export type EventRejectionCode = { [C in ErrorCode]: (typeof ERRORS)[C] extends { event: string } ? C : never }[ErrorCode];

/** Each event refusal code with the message the refused event carries. */
export const EVENT_REJECTIONS = Object.fromEntries(
  Object.entries(ERRORS).flatMap(([code, entry]) => ('event' in entry ? [[code, entry.event]] : [])),
) as Record<EventRejectionCode, string>;

/** An error meant for the caller: a stable code, a message, and details that name the field. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, details: Record<string, unknown> = {}, message?: string) {
    super(message ?? ERRORS[code].message);
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }
}
