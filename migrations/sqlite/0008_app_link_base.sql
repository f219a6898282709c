-- The address (`http://host:port`) people last used to work on an app, for the links
-- in its run emails when ORGSYNC_PUBLIC_URL is not set (a Run Daily run has no
-- request of its own to take it from).
ALTER TABLE app_installs ADD COLUMN link_base TEXT;
