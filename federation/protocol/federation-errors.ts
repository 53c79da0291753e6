/**
 * The catalogue of codes federation answers with: to the other side of a link (refusals of a
 * batch, an audit request, an enrollment ...) and to the node's admin. Each has a stable code, the
 * HTTP status it usually carries and a default message (Chinese, English in parentheses). The node
 * merges this table into its own one error catalogue (node/core/errors.ts); federation itself
 * imports nothing from node/. Codes and statuses are part of federation/PROTOCOL.md.
 */
export const FEDERATION_ERRORS = {
  // Wire messages and signatures (federation/keys/signed-message.ts keeps these codes).
  MALFORMED: { status: 400, message: '消息格式错误 (the message is malformed)' },
  UNKNOWN_KEY: { status: 401, message: '签名密钥未知 (no known key under the message\'s kid)' },
  BAD_SIGNATURE: { status: 401, message: '签名无效 (the signature does not verify)' },
  WRONG_TYPE: { status: 400, message: '消息类型不符 (a different kind of message than expected)' },
  // Who is speaking.
  UNKNOWN_NODE: { status: 403, message: '节点不是本节点的下级 (not a child of this node)' },
  NOT_ENROLLED: { status: 403, message: '节点尚未完成登记 (not enrolled yet)' },
  // Upward sync.
  WRONG_PARENT: { status: 409, message: '批次不是发给本节点的 (the batch is for another parent)' },
  SEQUENCE_GAP: { status: 409, message: '批次序号不连续 (batches must arrive in order)' },
  REPLAYED: { status: 409, message: '消息已处理过 (the message was received already)' },
  CHAIN_BROKEN: { status: 409, message: '批次链断裂 (prevBatchHash does not match the previous batch)' },
  CHECKPOINT_INVALID: { status: 409, message: '检查点无效 (the checkpoint is invalid)' },
  ROLLED_BACK: { status: 409, message: '日志回退 (the log shrank below a witnessed size)' },
  PROOF_INVALID: { status: 409, message: '一致性证明不成立 (the consistency proof fails)' },
  RECEIPT_MISMATCH: { status: 502, message: '回执与所发批次不符 (the receipt does not match the batch sent)' },
  // Enrollment.
  LEVEL_NOT_BELOW: { status: 422, message: '下级节点层级须低于本节点 (the child\'s level must be below this node\'s)' },
  LEVEL_NOT_ABOVE: { status: 422, message: '上级节点层级须高于本节点 (the parent\'s level must be above this node\'s)' },
  LEVEL_MISMATCH: { status: 422, message: '登记的层级不符 (the level differs from the registered one)' },
  NODE_EXISTS: { status: 409, message: '节点已登记 (the node is already registered)' },
  INVALID_ENROLLMENT_TOKEN: { status: 403, message: '登记令牌无效或已使用 (the enrollment token is invalid, used, or for another node)' },
  ENROLLMENT_TOKEN_EXPIRED: { status: 403, message: '登记令牌已过期 (the enrollment token has expired)' },
  ALREADY_ENROLLED: { status: 409, message: '本节点已登记到上级节点 (this node is already enrolled with a parent)' },
  NO_PARENT_URL: { status: 409, message: '未配置 PARENT_URL, 无法登记到上级节点 (PARENT_URL is not set)' },
  // Downward policy.
  POLICY_ISSUER_UNKNOWN: { status: 403, message: '政策文件的签发者不在上级链中 (the issuer is not a known ancestor)' },
  POLICY_ISSUER_INVALID: { status: 403, message: '只有省级节点可以签发政策 (only the province issues policy)' },
  // Re-supervision.
  NOTHING_WITNESSED: { status: 409, message: '尚未见证该节点的检查点, 请先同步 (no checkpoint witnessed yet: sync first)' },
  NO_CHILD_URL: { status: 409, message: '下级节点没有登记地址 (the child has no public URL)' },
  STALE_REQUEST: { status: 409, message: '请求时间与本节点时钟相差过大 (the request time is too far from this node\'s clock)' },
  TREE_SIZE_UNKNOWN: { status: 409, message: '本节点没有该大小的检查点 (no checkpoint of that tree size here)' },
  RELAY_FAILED: { status: 424, message: '下级节点未能应答 (the child did not answer)' },
  ANSWER_MISMATCH: { status: 502, message: '再监察应答与请求不符 (the answer is not for this request)' },
  TOO_MANY_PAGES: { status: 502, message: '再监察分页过多 (the audit did not end)' },
  // Calls to other nodes.
  PEER_UNREACHABLE: { status: 502, message: '无法连接对方节点 (cannot reach the other node)' },
  PEER_ERROR: { status: 502, message: '对方节点返回错误 (the other node answered with an error)' },
  // Shared with the node's own catalogue (same status there).
  VALIDATION_FAILED: { status: 400, message: '请求内容不符合格式要求 (request does not match the schema)' },
  INVALID_PARAMETER: { status: 400, message: '参数无效 (invalid parameter)' },
  NOT_FOUND: { status: 404, message: '资源不存在 (not found)' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code federation may throw. */
export type FederationErrorCode = keyof typeof FEDERATION_ERRORS;
