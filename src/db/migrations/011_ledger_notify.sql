-- The events hub (src/events): every append tells the other server processes listening on
-- channel truce_ledger which leaves it committed, as "from-to" (leaf indexes from <= i < to).
-- NOTIFY is sent at commit, and only then, so a listener never hears of a leaf it cannot read.
-- The payload is only a hint: each process reads everything after the last index it delivered,
-- so a notification lost (while reconnecting) or reordered loses nothing.
CREATE FUNCTION ledger_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('truce_ledger', OLD.size || '-' || NEW.size);
  RETURN NULL;
END
$$;

CREATE TRIGGER ledger_notify AFTER UPDATE OF size ON ledger_state
  FOR EACH ROW WHEN (NEW.size > OLD.size) EXECUTE FUNCTION ledger_notify();
