CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, val REAL);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO t(name, grp, val) SELECT 'row' || i, i % 7, (i * 37 % 1000) / 10.0 FROM n;
COMMIT;
SELECT count(*), sum(grp), printf('%.2f', avg(val)), max(name), min(val) FROM t;
SELECT grp, count(*), printf('%.1f', sum(val)) FROM t GROUP BY grp ORDER BY grp;
CREATE INDEX t_grp ON t(grp);
SELECT count(*) FROM t WHERE grp = 3 AND val > 50;
CREATE TABLE small(a, b);
INSERT INTO small VALUES (1, 'one'), (2, 'it''s two'), (3, NULL), (4, x'00ff');
.dump small
