use streamlock::load::*;
#[test]
fn scratch() {
    let dir = std::env::var("STREAMLOCK_CORPUS").unwrap();
    let mut n = 0; let mut errs = 0; let mut objs = 0; let mut dups = 0;
    for entry in ignore::WalkBuilder::new(&dir).build() {
        let e = entry.unwrap();
        if !e.file_type().unwrap().is_file() { continue; }
        let p = e.path();
        if !matches!(p.extension().and_then(|x| x.to_str()), Some("yaml"|"yml"|"json")) { continue; }
        n += 1;
        match load_file(p, Limits::default()) {
            Err(fe) => { errs += 1; println!("FILEERR {} {}", p.display(), fe.message); }
            Ok(lf) => {
                if let Some(err) = &lf.parsed.error { errs += 1; let pos = lf.source.position(err.span.start); println!("YAMLERR {}:{}:{} {}", p.display(), pos.line, pos.column, err.message); }
                dups += lf.parsed.duplicates.len();
                for d in &lf.parsed.duplicates { let pos = lf.source.position(d.second.start); println!("DUP {}:{}:{} {}", p.display(), pos.line, pos.column, d.key); }
                objs += find_objects(&lf.parsed.documents).len();
            }
        }
    }
    println!("files {n} errors {errs} objects {objs} dups {dups}");
}
