// The SQLite schema, version by version (PRAGMA user_version).
#include "index/schema_sqlite.hpp"

namespace hs::index {

namespace {

const Migration kMigrations[] = {
    // 1: cameras, stream status, segments, event log.
    {1, R"sql(
CREATE TABLE cameras (
  id             TEXT PRIMARY KEY,
  path           TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  source         TEXT NOT NULL DEFAULT '',
  plan           TEXT NOT NULL,
  retention_us   INTEGER,
  record         INTEGER NOT NULL DEFAULT 1,
  rtsp_transport TEXT NOT NULL DEFAULT 'tcp',
  origin         TEXT NOT NULL CHECK (origin IN ('config', 'api', 'discovered')),
  removed_us     INTEGER,
  created_us     INTEGER NOT NULL,
  updated_us     INTEGER NOT NULL
);
CREATE TABLE stream_status (
  camera_id   TEXT PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
  state       TEXT NOT NULL CHECK (state IN ('active', 'stopped', 'error')),
  since_us    INTEGER NOT NULL,
  event_us    INTEGER NOT NULL,
  source_type TEXT NOT NULL DEFAULT ''
);
CREATE TABLE segments (
  id            INTEGER PRIMARY KEY,
  camera_id     TEXT NOT NULL REFERENCES cameras(id),
  file          TEXT NOT NULL UNIQUE,
  start_us      INTEGER NOT NULL,
  duration_us   INTEGER,
  size_bytes    INTEGER NOT NULL DEFAULT 0,
  state         TEXT NOT NULL CHECK (state IN ('recording', 'complete', 'missing', 'deleting')),
  permanent     INTEGER NOT NULL DEFAULT 0,
  expires_us    INTEGER,
  notified_us   INTEGER,
  created_us    INTEGER NOT NULL,
  updated_us    INTEGER NOT NULL
);
CREATE INDEX segments_camera_start ON segments (camera_id, start_us);
CREATE INDEX segments_expiry ON segments (expires_us) WHERE permanent = 0;
CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  at_us       INTEGER NOT NULL,
  received_us INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  path        TEXT NOT NULL,
  camera_id   TEXT,
  segment     TEXT,
  outcome     TEXT NOT NULL,
  detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_at ON events (at_us);
)sql"},
    // 2: retention: permanent clips, deletion audit, notifications with their deliveries, the
    // retention each camera's expiries were computed with.
    {2, R"sql(
ALTER TABLE segments ADD COLUMN delete_reason TEXT;
ALTER TABLE cameras ADD COLUMN applied_retention_us INTEGER;
CREATE INDEX segments_deleting ON segments (state) WHERE state = 'deleting';
CREATE TABLE clips (
  id          INTEGER PRIMARY KEY,
  camera_id   TEXT NOT NULL REFERENCES cameras(id),
  start_us    INTEGER NOT NULL,
  end_us      INTEGER NOT NULL CHECK (end_us > start_us),
  label       TEXT NOT NULL DEFAULT '',
  created_us  INTEGER NOT NULL
);
CREATE INDEX clips_camera_start ON clips (camera_id, start_us);
CREATE TABLE audit (
  id          INTEGER PRIMARY KEY,
  at_us       INTEGER NOT NULL,
  segment_id  INTEGER NOT NULL,
  camera_id   TEXT NOT NULL,
  file        TEXT NOT NULL,
  start_us    INTEGER NOT NULL,
  size_bytes  INTEGER NOT NULL,
  reason      TEXT NOT NULL CHECK (reason IN ('retention', 'disk', 'manual')),
  outcome     TEXT NOT NULL
);
CREATE INDEX audit_camera_at ON audit (camera_id, at_us);
CREATE INDEX audit_at ON audit (at_us);
CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  created_us  INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('expiry', 'disk', 'alert')),
  camera_id   TEXT,
  payload     TEXT NOT NULL
);
CREATE TABLE deliveries (
  id              INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
  url             TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'retrying', 'delivered')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_us INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  delivered_us    INTEGER
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_us) WHERE state != 'delivered';
)sql"},
    // 3: no query reads the event log by time (it is read newest first, by id): its time index
    // only cost every hook one more B-tree write.
    {3, R"sql(
DROP INDEX events_at;
)sql"},
    // 4: proof of recording. The per-camera status history (change points of offline,
    // not_recording and stalled: index/state_history.cpp), and the length of each deleted segment
    // in the audit so the timeline can place a deletion, with an index to find a range's deletions.
    {4, R"sql(
CREATE TABLE state_changes (
  id          INTEGER PRIMARY KEY,
  camera_id   TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('offline', 'not_recording', 'stalled')),
  at_us       INTEGER NOT NULL,
  active      INTEGER NOT NULL CHECK (active IN (0, 1))
);
CREATE INDEX state_changes_camera_at ON state_changes (camera_id, at_us);
CREATE INDEX state_changes_camera_kind_at ON state_changes (camera_id, kind, at_us);
ALTER TABLE audit ADD COLUMN duration_us INTEGER;
CREATE INDEX audit_camera_start ON audit (camera_id, start_us);
)sql"},
    // 5: event webhooks. A notification's kind is now its event type ("camera.offline", ...; the
    // old kinds expiry, disk and alert stay valid for rows written before): the CHECK that listed
    // the kinds goes, so the table is rebuilt, with its deliveries (which cascade from it). The
    // deliveries are copied to a table that references the new one before the old ones are dropped,
    // so no drop cascades; RENAME rewrites the reference.
    {5, R"sql(
CREATE TABLE notifications_v4 (
  id          INTEGER PRIMARY KEY,
  created_us  INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  camera_id   TEXT,
  payload     TEXT NOT NULL
);
INSERT INTO notifications_v4 (id, created_us, kind, camera_id, payload)
  SELECT id, created_us, kind, camera_id, payload FROM notifications;
CREATE TABLE deliveries_v4 (
  id              INTEGER PRIMARY KEY,
  notification_id INTEGER NOT NULL REFERENCES notifications_v4(id) ON DELETE CASCADE,
  url             TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'retrying', 'delivered')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_us INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  delivered_us    INTEGER
);
INSERT INTO deliveries_v4 (id, notification_id, url, state, attempts, next_attempt_us, last_error, delivered_us)
  SELECT id, notification_id, url, state, attempts, next_attempt_us, last_error, delivered_us FROM deliveries;
DROP TABLE deliveries;
DROP TABLE notifications;
ALTER TABLE notifications_v4 RENAME TO notifications;
ALTER TABLE deliveries_v4 RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (next_attempt_us) WHERE state != 'delivered';
)sql"},
    // 6: a version per camera and UTC day of segment starts (day = start_us / 86400000000), moved
    // by triggers whenever a segment row of that day is inserted, deleted or changes what a
    // timeline shows (start, length, size, state, camera): the timeline folds whole days once and
    // keeps them while their version stands (api/timeline_days.hpp). Rows are never deleted, so a
    // version never repeats.
    {6, R"sql(
CREATE TABLE segment_days (
  camera_id   TEXT NOT NULL,
  day         INTEGER NOT NULL,
  version     INTEGER NOT NULL,
  PRIMARY KEY (camera_id, day)
) WITHOUT ROWID;
INSERT INTO segment_days (camera_id, day, version)
  SELECT camera_id, start_us / 86400000000, 1 FROM segments GROUP BY camera_id, start_us / 86400000000;
CREATE TRIGGER segment_days_insert AFTER INSERT ON segments BEGIN
  INSERT INTO segment_days (camera_id, day, version) VALUES (NEW.camera_id, NEW.start_us / 86400000000, 1)
    ON CONFLICT (camera_id, day) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER segment_days_delete AFTER DELETE ON segments BEGIN
  INSERT INTO segment_days (camera_id, day, version) VALUES (OLD.camera_id, OLD.start_us / 86400000000, 1)
    ON CONFLICT (camera_id, day) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER segment_days_update AFTER UPDATE OF camera_id, start_us, duration_us, size_bytes, state ON segments
BEGIN
  INSERT INTO segment_days (camera_id, day, version) VALUES (NEW.camera_id, NEW.start_us / 86400000000, 1)
    ON CONFLICT (camera_id, day) DO UPDATE SET version = version + 1;
  INSERT INTO segment_days (camera_id, day, version)
    SELECT OLD.camera_id, OLD.start_us / 86400000000, 1
    WHERE OLD.camera_id IS NOT NEW.camera_id OR OLD.start_us / 86400000000 != NEW.start_us / 86400000000
    ON CONFLICT (camera_id, day) DO UPDATE SET version = version + 1;
END;
)sql"},
    // 7: nodes (issue 10, step 3). Each camera belongs to one node (the hook-server + MediaMTX
    // that records it) and each segment to the node that holds its file; rows written before have
    // no node ('') and are adopted by the first node that opens the index (Writer::adopt_unowned;
    // the partial index keeps that look free once they are). `nodes` holds each node's public
    // URLs, when it was last seen, and the process that registered it last (a random instance id:
    // a second process started with the same node.id is noticed by the first one's heartbeat).
    {7, R"sql(
ALTER TABLE cameras ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE segments ADD COLUMN node TEXT NOT NULL DEFAULT '';
CREATE INDEX segments_unowned ON segments (id) WHERE node = '';
CREATE TABLE nodes (
  id          TEXT PRIMARY KEY,
  api_url     TEXT NOT NULL,
  rtsp        TEXT NOT NULL,
  hls         TEXT NOT NULL,
  webrtc      TEXT NOT NULL,
  playback    TEXT NOT NULL,
  started_us  INTEGER NOT NULL,
  seen_us     INTEGER NOT NULL,
  instance    TEXT NOT NULL DEFAULT ''
);
)sql"},
};

}  // namespace

std::span<const Migration> sqlite_migrations() { return kMigrations; }

}  // namespace hs::index
