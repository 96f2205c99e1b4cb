-- Public clients may list the web origins their browser code calls from (CORS);
-- empty: the origins of their redirect URIs. A JSON array, like the other lists.
ALTER TABLE clients ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]';
