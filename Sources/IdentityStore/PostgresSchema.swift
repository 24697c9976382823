/// The PostgreSQL schema, as named migrations applied once each and in order (`PostgresStore.migrate()`). Table names
/// avoid PostgreSQL's reserved words (`user`); columns are the records' property names, which PostgreSQL folds to
/// lower case.
enum PostgresSchema {
    struct Migration {
        let name: String
        let statements: [String]
    }

    static let migrations = [
        Migration(
            name: "v1: identity",
            statements: [
                """
                CREATE TABLE account (
                    accountId TEXT PRIMARY KEY, alias TEXT, createDate TIMESTAMPTZ NOT NULL)
                """,
                """
                CREATE TABLE iam_user (
                    nameKey TEXT PRIMARY KEY, userId TEXT NOT NULL UNIQUE, userName TEXT NOT NULL, path TEXT NOT NULL,
                    arn TEXT NOT NULL, createDate TIMESTAMPTZ NOT NULL)
                """,
                """
                CREATE TABLE access_key (
                    accessKeyId TEXT PRIMARY KEY, userName TEXT, secretCiphertext BYTEA NOT NULL,
                    isActive BOOLEAN NOT NULL, createDate TIMESTAMPTZ NOT NULL)
                """,
                "CREATE INDEX access_key_user ON access_key (userName)",
                """
                CREATE TABLE login_profile (
                    userKey TEXT PRIMARY KEY, userName TEXT, passwordHash TEXT NOT NULL,
                    passwordResetRequired BOOLEAN NOT NULL, createDate TIMESTAMPTZ NOT NULL)
                """,
                """
                CREATE TABLE mfa_device (
                    serialNumber TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL,
                    userKey TEXT, userName TEXT, seedCiphertext BYTEA, createDate TIMESTAMPTZ NOT NULL,
                    enableDate TIMESTAMPTZ, driftSteps BIGINT NOT NULL, lastUsedStep BIGINT,
                    failedAttempts BIGINT NOT NULL, lockouts BIGINT NOT NULL, lockedUntil TIMESTAMPTZ)
                """,
                "CREATE INDEX mfa_device_user ON mfa_device (userKey)",
                """
                CREATE TABLE mfa_device_tag (
                    serialNumber TEXT NOT NULL REFERENCES mfa_device ON DELETE CASCADE, key TEXT NOT NULL,
                    value TEXT NOT NULL, PRIMARY KEY (serialNumber, key))
                """,
                """
                CREATE TABLE iam_role (
                    nameKey TEXT PRIMARY KEY, roleId TEXT NOT NULL UNIQUE, roleName TEXT NOT NULL, path TEXT NOT NULL,
                    arn TEXT NOT NULL, trustPolicy TEXT NOT NULL, description TEXT,
                    maxSessionDuration BIGINT NOT NULL, createDate TIMESTAMPTZ NOT NULL)
                """,
                """
                CREATE TABLE sts_session (
                    accessKeyId TEXT PRIMARY KEY, secretCiphertext BYTEA NOT NULL, tokenHash BYTEA NOT NULL,
                    origin TEXT NOT NULL, userName TEXT, roleName TEXT, roleSessionName TEXT, sourceIdentity TEXT,
                    mfaAuthenticatedAt TIMESTAMPTZ, createDate TIMESTAMPTZ NOT NULL, expiration TIMESTAMPTZ NOT NULL)
                """,
                "CREATE INDEX sts_session_expiration ON sts_session (expiration)",
            ]),
        Migration(
            name: "v2: security keys",
            statements: [
                """
                CREATE TABLE security_key (
                    serialNumber TEXT PRIMARY KEY REFERENCES mfa_device ON DELETE CASCADE,
                    credentialId BYTEA NOT NULL UNIQUE, publicKey BYTEA NOT NULL, signCount BIGINT NOT NULL,
                    backupEligible BOOLEAN NOT NULL, transports TEXT NOT NULL, attestationFormat TEXT NOT NULL,
                    aaguid BYTEA NOT NULL, cloneSuspectedAt TIMESTAMPTZ, lastUsedDate TIMESTAMPTZ,
                    legacyU2F BOOLEAN NOT NULL)
                """
            ]),
        Migration(
            name: "v3: console sessions, sign-in tokens, change revision, password lock-out",
            statements: [
                """
                CREATE TABLE console_session (
                    tokenHash BYTEA PRIMARY KEY, sealedState BYTEA NOT NULL, version BIGINT NOT NULL,
                    expires TIMESTAMPTZ NOT NULL)
                """,
                "CREATE INDEX console_session_expires ON console_session (expires)",
                """
                CREATE TABLE signin_token (
                    tokenHash BYTEA PRIMARY KEY, sealedPrincipal BYTEA NOT NULL, sessionExpires TIMESTAMPTZ NOT NULL,
                    expires TIMESTAMPTZ NOT NULL)
                """,
                "CREATE INDEX signin_token_expires ON signin_token (expires)",
                "CREATE TABLE revision (id INTEGER PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL)",
                "INSERT INTO revision (id, value) VALUES (1, 0)",
                """
                ALTER TABLE login_profile ADD COLUMN failedAttempts BIGINT NOT NULL DEFAULT 0,
                    ADD COLUMN lockouts BIGINT NOT NULL DEFAULT 0, ADD COLUMN lockedUntil TIMESTAMPTZ
                """,
            ]),
    ]
}
