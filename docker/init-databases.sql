-- One database per node; each node migrates its own schema on start. Runs only when the
-- PostgreSQL volume is new (docker compose down -v starts over).
CREATE DATABASE supervision_610000;
CREATE DATABASE supervision_610200;
CREATE DATABASE supervision_610203;
CREATE DATABASE supervision_610204;
