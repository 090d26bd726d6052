-- Run once by the postgres image, on the first start with an empty data volume
-- (/docker-entrypoint-initdb.d). One database per service and one for the gateway, owned by the
-- hub user (POSTGRES_USER); no service reads another's tables (DESIGN.md "Shape").
CREATE DATABASE membership;
CREATE DATABASE contracts;
CREATE DATABASE finance;
CREATE DATABASE governance;
CREATE DATABASE gateway;
