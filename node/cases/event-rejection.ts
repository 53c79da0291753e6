/** Why an event was refused: the codes a sender can receive per event, with their messages. */
export const EVENT_REJECTIONS = {
  VALIDATION_FAILED: '事件不符合格式要求 (event does not match the schema)',
  EVENT_CONFLICT: '同一 eventId 已以不同内容接收 (this eventId was already received with other content)',
  UNKNOWN_ITEM: '事项不存在 (unknown item)',
  UNKNOWN_DEPARTMENT: '部门不存在 (unknown department)',
  ITEM_DEPARTMENT_MISMATCH: '事项不属于该部门 (the item belongs to another department)',
  CASE_ALREADY_ACCEPTED: '该办件已受理 (the case already has an accepted or notAccepted event)',
  LIMIT_ABOVE_LEGAL: '承诺时限超过法定时限 (promisedLimitDays above the item\'s legal limit)',
  FORBIDDEN_DEPARTMENT: '无权报送该部门的办件 (this client may not report cases of that department)',
} as const;

export type EventRejectionCode = keyof typeof EVENT_REJECTIONS;

export interface EventError {
  code: EventRejectionCode;
  message: string;
  details: Record<string, unknown>;
}

export function eventError(code: EventRejectionCode, details: Record<string, unknown> = {}): EventError {
  return { code, message: EVENT_REJECTIONS[code], details };
}
