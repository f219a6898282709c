-- PostgreSQL twin of migrations/sqlite/0003_people_indexes.sql: the same tables, columns
-- and indexes, kept in step (tests/app/backends.rs compares the two schemas).
--
-- Indexes for the people directory, the person page, the org chart and the people API
-- (src/org/queries.rs): at 100 000 people each page is answered from indexes alone —
-- no table scans, no sort of the whole org.

-- The directory and the people API walk people in name order (by status, or everyone),
-- reading the search text from the index itself while filtering and counting.
-- Supersedes people_status_name, its prefix.
CREATE INDEX people_status_name_search ON people (status, name, id, search_text);
DROP INDEX IF EXISTS people_status_name;
CREATE INDEX people_name_search ON people (name, id, search_text);

-- "Is this person me?": the signed-in user's email against work emails, any case.
CREATE INDEX people_work_email_lower ON people (lower(work_email));

-- Search by job title, and the department and location filters, from indexes alone.
CREATE INDEX jobs_title_person ON jobs (title, status, person_id);
CREATE INDEX jobs_department_person ON jobs (department, location, status, person_id);
CREATE INDEX jobs_location_person ON jobs (location, status, person_id);

-- The org chart: a job's direct reports by status. Without the status column SQLite
-- may prefer a status index and scan every job. Supersedes jobs_manager, its prefix.
CREATE INDEX jobs_manager_status ON jobs (manager_job_id, status);
DROP INDEX IF EXISTS jobs_manager;
