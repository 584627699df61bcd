// Package locales holds the bot's text in Thai (the default) and English,
// formats dates, times, money and numbers the way each language writes them,
// and reads what people type on their phones (Thai digits, "หมู่ 5", phone
// numbers with dashes, polite particles after commands).
//
// It is a leaf package: it imports nothing of the project. flows returns
// replies as a locale key plus arguments; bot renders them with
// [Catalog.Text] in the user's [Lang].
//
// # Catalog files
//
// The catalogs are TOML files embedded from the catalog directory, one file
// per feature and language, named <feature>.<lang>.toml (core.th.toml,
// core.en.toml, sage.th.toml, ...). Every file in the directory is loaded, so
// a new feature adds its own pair of files and touches nobody else's.
//
// Write each key in full as a bare dotted key, without [table] headers, so
// that searching the code for a key finds its text:
//
//	core.welcome = "สวัสดีค่ะ"
//	conv.page = "หน้า {{.Page}} จาก {{.Pages}}"
//
// Keys are lowercase dotted words. Because TOML dotted keys build tables, a
// key cannot also be the prefix of another key (use core.menu.prompt beside
// core.menu.apply, not core.menu). A key may be defined once per language;
// a second definition in another file is a load error naming both files.
// Templates are Go text/template; an argument the template uses but the
// caller did not pass is an error, never "<no value>". Plural forms are not
// supported: Thai has none, and English text is written in neutral phrasing.
//
// Keys containing ".btn." or ending in ".label" are button labels: the tests
// hold them to LINE's 20-character limit in both languages. The tests also
// check that every key exists in both languages, uses the same arguments in
// both, and renders.
package locales
