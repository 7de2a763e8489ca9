-- Purpose: road networks per region (edges and vertices routable by pgRouting), the editable speed table, and atomic region replacement.

-- Travel speed per OSM highway class, used where a way has no usable maxspeed. Operators edit this table;
-- re-costing a region applies it without a new import.
CREATE TABLE road_class_speeds (
  highway  text PRIMARY KEY,
  kmh      real NOT NULL CHECK (kmh > 0 AND kmh <= 150)
);
INSERT INTO road_class_speeds (highway, kmh) VALUES
  ('motorway', 90), ('motorway_link', 50), ('trunk', 70), ('trunk_link', 45),
  ('primary', 55), ('primary_link', 40), ('secondary', 45), ('secondary_link', 35),
  ('tertiary', 38), ('tertiary_link', 30), ('unclassified', 30), ('residential', 25),
  ('living_street', 10), ('service', 15), ('road', 25), ('track', 12);

-- One import of one source file. A region points at exactly one ready network; a new import builds a new
-- network beside the old one and the pointer moves in one transaction, so routing never sees half a region.
CREATE TABLE road_networks (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  region                   text NOT NULL,
  source_name              text NOT NULL,
  source_format            text NOT NULL CHECK (source_format IN ('osm_pbf', 'osm_xml', 'geojson')),
  synthetic                boolean NOT NULL DEFAULT false,
  status                   text NOT NULL DEFAULT 'importing' CHECK (status IN ('importing', 'ready', 'failed', 'retired')),
  ways                     integer,
  edges                    integer,
  vertices                 integer,
  length_km                double precision,
  largest_component_share  double precision,
  bbox                     geometry(Polygon, 4326),
  created_at               timestamptz NOT NULL DEFAULT now(),
  ready_at                 timestamptz
);

CREATE TABLE road_regions (
  name        text PRIMARY KEY CHECK (name ~ '^[a-z0-9_-]{1,64}$'),
  network_id  bigint NOT NULL UNIQUE REFERENCES road_networks (id),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Directed costs in seconds in pgRouting's convention: a negative cost means "cannot be driven this way".
CREATE TABLE road_edges (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  network_id    bigint NOT NULL REFERENCES road_networks (id) ON DELETE CASCADE,
  source        bigint NOT NULL,
  target        bigint NOT NULL,
  cost          double precision NOT NULL,
  reverse_cost  double precision NOT NULL,
  length_m      double precision NOT NULL CHECK (length_m >= 0),
  highway       text NOT NULL,
  name          text,
  maxspeed_kmh  real,
  osm_way_id    bigint,
  tunnel        boolean NOT NULL DEFAULT false,
  bridge        boolean NOT NULL DEFAULT false,
  geom          geometry(LineString, 4326) NOT NULL
);
CREATE INDEX road_edges_network ON road_edges (network_id);
CREATE INDEX road_edges_geom_gist ON road_edges USING gist (geom);

CREATE TABLE road_vertices (
  network_id  bigint NOT NULL REFERENCES road_networks (id) ON DELETE CASCADE,
  id          bigint NOT NULL,
  component   bigint,
  geom        geometry(Point, 4326) NOT NULL,
  PRIMARY KEY (network_id, id)
);
CREATE INDEX road_vertices_geom_gist ON road_vertices USING gist (geom);
