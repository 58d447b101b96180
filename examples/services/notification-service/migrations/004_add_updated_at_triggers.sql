-- Migration: add_updated_at_triggers
-- Description: Keep updated_at current with a PL/pgSQL trigger and guard notification status changes

-- +++++ UP
-- The function bodies are dollar-quoted (one with an empty tag, one tagged guard)
-- and contain semicolons and quotes; none of them ends the CREATE FUNCTION statement.
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- a no-op UPDATE keeps the old timestamp; a real change gets now()
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION notifications_guard_status() RETURNS trigger
LANGUAGE plpgsql
AS $guard$
BEGIN
    IF OLD.status = 'read' AND NEW.status <> 'read' THEN
        RAISE EXCEPTION 'notification %: status cannot go from ''read'' back to ''%''; a read notification is final',
            OLD.id, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'sent' AND NEW.sent_at IS NULL THEN
        NEW.sent_at := now();
    END IF;
    IF NEW.status = 'read' AND NEW.read_at IS NULL THEN
        NEW.read_at := now();
    END IF;
    RETURN NEW;
END;
$guard$;

CREATE TRIGGER templates_set_updated_at
    BEFORE UPDATE ON templates
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER subscriptions_set_updated_at
    BEFORE UPDATE ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER notifications_guard_status
    BEFORE UPDATE OF status ON notifications
    FOR EACH ROW EXECUTE FUNCTION notifications_guard_status();

-- +++++ DOWN
DROP TRIGGER IF EXISTS notifications_guard_status ON notifications;
DROP TRIGGER IF EXISTS subscriptions_set_updated_at ON subscriptions;
DROP TRIGGER IF EXISTS templates_set_updated_at ON templates;
DROP FUNCTION IF EXISTS notifications_guard_status();
DROP FUNCTION IF EXISTS set_updated_at();
