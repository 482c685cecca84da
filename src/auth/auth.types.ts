export const ROLES = ['admin', 'reviewer', 'rights_holder'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is asking. `viewer` is the built-in read-only demo viewer that anonymous requests become
 * when DEMO is on; it has no row in users and may only read.
 */
export interface AuthUser {
  id: string | null;
  email: string;
  name: string;
  role: Role | 'viewer';
  rightsHolderId: string | null;
  /** how the request authenticated: the console session (CSRF-checked) or a bearer token */
  via: 'session' | 'token' | 'demo';
  csrfToken?: string;
}

export const DEMO_VIEWER: AuthUser = {
  id: null,
  email: 'demo@ipclue.invalid',
  name: '演示访客 (demo viewer)',
  role: 'viewer',
  rightsHolderId: null,
  via: 'demo',
};

export const roleName: Record<AuthUser['role'], string> = {
  admin: '管理员',
  reviewer: '审核人员',
  rights_holder: '权利人',
  viewer: '演示访客',
};
