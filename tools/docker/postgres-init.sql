-- Run once by the postgres image on an empty data directory (docker-compose.dev.yml mounts it into
-- /docker-entrypoint-initdb.d): one database per service, as SERVICE_CATALOG names them.
CREATE DATABASE cloudphone_user;
CREATE DATABASE cloudphone_device;
CREATE DATABASE cloudphone_billing;
CREATE DATABASE cloudphone_notification;
CREATE DATABASE cloudphone_proxy;
CREATE DATABASE cloudphone_sms_receive;
