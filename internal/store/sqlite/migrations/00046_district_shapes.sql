-- District boundaries for the mapping's map (docs/mapping.md), from a GeoJSON file: each
-- district's polygons as GeoJSON MultiPolygon coordinates. Not personal data. Kept in step
-- with ../../postgres/migrations/00046_district_shapes.sql.

-- +goose Up
CREATE TABLE district_shapes (
    municipality_id INTEGER NOT NULL,
    district_id     INTEGER NOT NULL,
    geometry        TEXT NOT NULL,
    updated_at      DATETIME NOT NULL,
    PRIMARY KEY (municipality_id, district_id),
    FOREIGN KEY (municipality_id, district_id) REFERENCES districts (municipality_id, id)
);

-- +goose Down
DROP TABLE district_shapes;
