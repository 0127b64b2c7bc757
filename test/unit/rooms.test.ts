import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.ts';
import { roomsFor } from '../../src/realtime/rooms.ts';

const actor = (over: Partial<Actor>): Actor => ({
  userId: 7,
  username: 'u',
  displayName: 'U',
  role: 'supervisor',
  unitId: 3,
  unitPath: '/1/3/',
  via: 'session',
  sessionId: 'abc',
  ip: null,
  requestId: null,
  ...over,
});

describe('roomsFor', () => {
  it('a supervisor and a unit handler join their ticket rooms', () => {
    expect(roomsFor(actor({}))).toEqual(['user:7', 'session:abc', 'staff', 'supervisors']);
    expect(roomsFor(actor({ role: 'unit_handler' }))).toEqual(['user:7', 'session:abc', 'unit:3']);
  });

  it('a session held to the sign-in policy joins only the rooms that end it (no staff, unit or supervisor room)', () => {
    for (const restriction of ['password_change_required', 'second_factor_enrolment_required'] as const) {
      expect(roomsFor(actor({ restriction }))).toEqual(['user:7', 'session:abc']);
      expect(roomsFor(actor({ role: 'unit_handler', restriction }))).toEqual(['user:7', 'session:abc']);
    }
  });

  it('the security and audit administrators hear no ticket events', () => {
    expect(roomsFor(actor({ role: 'security_admin' }))).toEqual(['user:7', 'session:abc']);
    expect(roomsFor(actor({ role: 'audit_admin' }))).toEqual(['user:7', 'session:abc']);
  });
});
