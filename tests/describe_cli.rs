//! `streamlock describe`: outputs written by hand from oc's layout rules (tabwriter with tab padding
//! to multiples of 8, PrioritizeTags order, HumanDuration ages) at a fixed SOURCE_DATE_EPOCH.

mod skip;

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;

/// 2026-01-01T00:00:00Z
const NOW: &str = "1767225600";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/describe")
}

fn describe(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("streamlock")
        .unwrap()
        .env("SOURCE_DATE_EPOCH", NOW)
        .arg("describe")
        .args(args)
        .current_dir(fixtures())
        .assert()
}

/// The first lines for a stream without labels, annotations or an integrated-registry repository.
fn bare_header(name: &str, namespace: &str) -> String {
    format!(
        "Name:\t\t\t{name}\n\
         Namespace:\t\t{namespace}\n\
         Labels:\t\t\t<none>\n\
         Annotations:\t\t<none>\n\
         Image Repository:\t<none>\n\
         Image Lookup:\t\tlocal=false\n"
    )
}

fn digest(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

#[test]
fn image_stream_in_ocs_layout() {
    let (a, b, c, d, e) = (
        digest('a'),
        digest('b'),
        digest('c'),
        digest('d'),
        digest('e'),
    );
    let want = format!(
        "Name:\t\t\truby\n\
         Namespace:\t\tteam-a\n\
         Created:\t\t2 hours ago\n\
         Labels:\t\t\tapp=ruby\n\
         \t\t\ttier=base\n\
         Description:\t\tRuby images\n\
         Annotations:\t\topenshift.io/display-name=Ruby\n\
         Image Repository:\timage-registry.svc:5000/team-a/ruby\n\
         Image Lookup:\t\tlocal=false\n\
         Unique Images:\t\t5\n\
         Tags:\t\t\t7\n\
         \n\
         3.3 (latest, stable)\n\
         \x20 updates automatically from registry registry.example.com/ruby:3.3\n\
         \x20   will use insecure HTTPS or HTTP connections\n\
         \x20   prefer registry pullthrough when referencing this tag\n\
         \n\
         \x20 Ruby 3.3 on UBI\n\
         \x20 Tags: builder, ruby\n\
         \x20 Supports: ruby:3.3, ruby\n\
         \x20 Example Repo: https://github.com/sclorg/ruby-ex.git\n\
         \n\
         \x20 * registry.example.com/ruby@{a}\n\
         \x20     About an hour ago\n\
         \x20   registry.example.com/ruby@{b}\n\
         \x20     12 days ago\t{c}\n\
         \n\
         3.2\n\
         \x20 reference to registry registry.example.com/ruby:3.2\n\
         \n\
         \x20 * registry.example.com/ruby:3.2\n\
         \x20     30 seconds ago\n\
         \n\
         edge\n\
         \x20 tagged from registry.example.com/ruby:edge\n\
         \n\
         \x20 ~ importing latest image ...\n\
         \x20 ! error: Import failed (NotFound): dockerimage.image.openshift.io \"registry.example.com/ruby:edge\" not found\n\
         \x20     2 minutes ago\n\
         \x20 * registry.example.com/ruby@{d}\n\
         \x20     3 months ago\n\
         \n\
         empty\n\
         \x20 tag without source image\n\
         \n\
         \n\
         old\n\
         \x20 no spec tag\n\
         \n\
         \x20 * registry.example.com/ruby@{e}\n\
         \x20     2 years ago\n"
    );
    let out = describe(&["is/ruby", "ruby.yaml"]).success();
    assert_eq!(String::from_utf8_lossy(&out.get_output().stdout), want);
}

#[test]
fn image_stream_tag_from_the_files() {
    let a = digest('a');
    let want = format!(
        "Image Name:\t{a}\n\
         Docker Image:\timage-registry.svc:5000/team-a/ruby@{a}\n\
         Name:\t\t{a}\n\
         Description:\tRuby 3.3 on UBI\n\
         Annotations:\tsampleRepo=https://github.com/sclorg/ruby-ex.git\n\
         \t\tsupports=ruby:3.3,ruby\n\
         \t\ttags=builder,ruby\n"
    );
    describe(&["istag/team-a/ruby:3.3"]).success().stdout(want);
}

#[test]
fn a_tag_without_an_image_is_not_found_like_on_the_server() {
    describe(&["istag/ruby:3.2", "ruby.yaml"])
        .code(2)
        .stderr("streamlock: imagestreamtags.image.openshift.io \"ruby:3.2\" not found\n");
    // The tag defaults to latest, an alias without status of its own.
    describe(&["istag/ruby", "ruby.yaml"])
        .code(2)
        .stderr("streamlock: imagestreamtags.image.openshift.io \"ruby:latest\" not found\n");
}

#[test]
fn a_name_in_several_namespaces_needs_one() {
    let out = describe(&["is/tools", "two"]).code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("2 ImageStreams are named \"tools\""), "{err}");
    assert!(err.contains("two/a.yaml:1 (team-a)"), "{err}");
    assert!(err.contains("two/b.json:1 (team-b)"), "{err}");
    // Without status and generations, a new tag is what the server would start importing.
    describe(&["is/team-b/tools", "two"]).success().stdout(
        bare_header("tools", "team-b")
            + "Unique Images:\t\t0\n\
         Tags:\t\t\t1\n\
         \n\
         1.0\n\
         \x20 tagged from quay.io/t/tools:1.0\n\
         \n\
         \x20 ~ importing latest image ...\n",
    );
    describe(&["is/team-c/tools", "two"]).code(2).stderr(
        "streamlock: imagestreams.image.openshift.io \"team-c/tools\" not found in the files given\n",
    );
    describe(&["is/tools", "two/a.yaml"])
        .success()
        .stdout(bare_header("tools", "team-a") + "Tags:\t\t\t<none>\n");
}

/// oc would print "292 years ago" for each of these times (Go's zero time); an unknown time has no
/// age: no Created line (formatMeta's rule for a zero time), `<none>` where a row needs one.
#[test]
fn missing_or_zero_times_print_no_age() {
    let (a, b) = (digest('a'), digest('b'));
    let want = bare_header("untimed", "team-a")
        + &format!(
            "Unique Images:\t\t2\n\
         Tags:\t\t\t1\n\
         \n\
         app\n\
         \x20 tagged from registry.example.com/app:1\n\
         \n\
         \x20 ! error: Import failed (NotFound): not found\n\
         \x20     <none>\n\
         \x20 * registry.example.com/app@{a}\n\
         \x20     <none>\n\
         \x20   registry.example.com/app:0\n\
         \x20     <none>\t{b}\n"
        );
    describe(&["is/untimed", "untimed.yaml"])
        .success()
        .stdout(want);
}

/// `docs/web-docs.yaml` keeps tag `docs` of `web` as an ImageStreamTag document: it is a spec tag of
/// the stream, as the server stores it.
#[test]
fn an_image_stream_tag_document_is_a_tag_of_its_stream() {
    let (one, two) = (
        format!("sha256:abc1{}", "1".repeat(60)),
        format!("sha256:abc2{}", "2".repeat(60)),
    );
    let want = bare_header("web", "team-a")
        + &format!(
            "Unique Images:\t\t2\n\
         Tags:\t\t\t2\n\
         \n\
         1.0\n\
         \x20 tagged from registry.example.com/web:1.0\n\
         \n\
         \x20 * registry.example.com/web@{one}\n\
         \x20     About an hour ago\n\
         \n\
         docs\n\
         \x20 tagged from registry.example.com/web-docs:2.4\n\
         \n\
         \x20 The documentation site\n\
         \n\
         \x20 * registry.example.com/web-docs@{two}\n\
         \x20     About an hour ago\n"
        );
    describe(&["is/web", "docs"]).success().stdout(want);
    describe(&["istag/web:docs", "docs"])
        .success()
        .stdout(format!(
            "Image Name:\t{two}\n\
             Docker Image:\tregistry.example.com/web-docs@{two}\n\
             Name:\t\t{two}\n\
             Description:\tThe documentation site\n\
             Annotations:\t<none>\n"
        ));
    // Without the document, the stream has no tag `docs`: its status entry alone is not a tag.
    describe(&["is/web", "docs/web.yaml"])
        .success()
        .stdout(predicate::str::contains("tagged from registry.example.com/web-docs").not());
}

/// `isimage/STREAM@ID`: the image of the stream's history that a digest or a digest prefix names,
/// with the server's messages when several or none match.
#[test]
fn image_stream_images_by_digest_and_prefix() {
    let (one, two) = (
        format!("sha256:abc1{}", "1".repeat(60)),
        format!("sha256:abc2{}", "2".repeat(60)),
    );
    let image = |digest: &str, repository: &str| {
        format!(
            "Image Name:\t{digest}\n\
             Docker Image:\tregistry.example.com/{repository}@{digest}\n\
             Name:\t\t{digest}\n"
        )
    };
    describe(&[&format!("isimage/team-a/web@{one}"), "docs"])
        .success()
        .stdout(image(&one, "web"));
    describe(&["imagestreamimage/web@abc2", "docs"])
        .success()
        .stdout(image(&two, "web-docs"));
    // The recorded pull spec, not the Local policy's integrated-registry one.
    let old = format!("sha256:{}", "c".repeat(64));
    describe(&["isimage/ruby@ccc", "ruby.yaml"])
        .success()
        .stdout(format!(
            "Image Name:\t{old}\n\
             Docker Image:\tregistry.example.com/ruby@sha256:{}\n\
             Name:\t\t{old}\n",
            "b".repeat(64)
        ));
    describe(&["isimage/web@abc", "docs"]).code(2).stderr(format!(
        "streamlock: Operation cannot be fulfilled on imagestreamimages.image.openshift.io \"abc\": \
         multiple images match the prefix \"abc\": {one}, {two}\n"
    ));
    describe(&["isimage/web@abd", "docs"])
        .code(2)
        .stderr("streamlock: imagestreamimages.image.openshift.io \"abd\" not found\n");
    // A stream without status names the whole NAME@ID, as the REST Get does.
    describe(&["isimage/team-b/tools@abc", "two"])
        .code(2)
        .stderr("streamlock: imagestreamimages.image.openshift.io \"tools@abc\" not found\n");
    describe(&["isimage/web", "docs"])
        .code(2)
        .stderr("streamlock: expected exactly one @ in the isimage name \"web\"\n");
    describe(&["isimage/web@", "docs"])
        .code(2)
        .stderr("streamlock: image stream image name \"web@\" must have a name and ID\n");
}

#[test]
fn bad_targets_are_usage_errors() {
    describe(&["pod/x"]).code(2);
    describe(&["ruby"]).code(2);
    describe(&["istag/ruby@sha256:00"]).code(2);
}

/// Exported streams from the corpus, described by hand.
#[test]
fn corpus_exports() {
    let Some(corpus) = skip::corpus() else {
        return;
    };
    let files = corpus.join("files");
    let run = |args: &[&str]| {
        Command::cargo_bin("streamlock")
            .unwrap()
            .env("SOURCE_DATE_EPOCH", NOW)
            .arg("describe")
            .args(args)
            .current_dir(&files)
            .assert()
    };
    let list = "haroonob__DO288-apps/test/template/is.yaml";
    run(&["is/quotesdb", list]).success().stdout(
        "Name:\t\t\tquotesdb\n\
         Namespace:\t\tinlnak-quotes-dev\n\
         Created:\t\t3 years ago\n\
         Labels:\t\t\t<none>\n\
         Annotations:\t\topenshift.io/image.dockerRepositoryCheck=2022-09-05T17:18:53Z\n\
         Image Repository:\tdefault-route-openshift-image-registry.apps.eu45.prod.nextcle.com/inlnak-quotes-dev/quotesdb\n\
         Image Lookup:\t\tlocal=false\n\
         Unique Images:\t\t1\n\
         Tags:\t\t\t1\n\
         \n\
         5.7\n\
         \x20 tagged from image-registry.openshift-image-registry.svc:5000/openshift/mysql:5.7\n\
         \n\
         \x20 * image-registry.openshift-image-registry.svc:5000/openshift/mysql@sha256:9a781abe7581cc141e14a7e404ec34125b3e89c008b14f4e7b41e094fd3049fe\n\
         \x20     3 years ago\n",
    );
    run(&["is/inlnak-quotes-dev/quotesapi", list]).success().stdout(
        "Name:\t\t\tquotesapi\n\
         Namespace:\t\tinlnak-quotes-dev\n\
         Created:\t\t3 years ago\n\
         Labels:\t\t\tapp=quotesapi\n\
         \t\t\tapp.kubernetes.io/component=quotesapi\n\
         \t\t\tapp.kubernetes.io/instance=quotesapi\n\
         Annotations:\t\topenshift.io/generated-by=OpenShiftNewApp\n\
         Image Repository:\tdefault-route-openshift-image-registry.apps.eu45.prod.nextcle.com/inlnak-quotes-dev/quotesapi\n\
         Image Lookup:\t\tlocal=false\n\
         Unique Images:\t\t1\n\
         Tags:\t\t\t1\n\
         \n\
         latest\n\
         \x20 no spec tag\n\
         \n\
         \x20 * image-registry.openshift-image-registry.svc:5000/inlnak-quotes-dev/quotesapi@sha256:dac86f463103ba1659b8ecf6d3a1d61171b0d00563c20c463ba1219f9b8adefd\n\
         \x20     3 years ago\n",
    );
    // `items:` with nothing under it: a status tag without events.
    run(&[
        "is/linuxpolskaprod",
        "chmielu1__jenkins-example/prod/ImageStream.yaml",
    ])
    .success()
    .stdout(
        "Name:\t\t\tlinuxpolskaprod\n\
             Labels:\t\t\t<none>\n\
             Annotations:\t\t<none>\n\
             Image Repository:\tdocker-registry.default.svc:5000/app-pers/linuxpolskaprod\n\
             Image Lookup:\t\tlocal=false\n\
             Unique Images:\t\t0\n\
             Tags:\t\t\t1\n\
             \n\
             tested\n\
             \x20 no spec tag\n\
             \n",
    );
    let pipeline = "openshift__ci-tools/pkg/util/imagestreamtagwrapper/testdata/imagestream.yaml";
    run(&["istag/pipeline:root", pipeline]).success().stdout(
        "Image Name:\tsha256:fd41b8b3efb8db1187ac231ca84863a8106880d049123d6eddfe21d7f751c627\n\
         Docker Image:\tdocker-registry.default.svc:5000/ci-op-jpdy23wx/pipeline@sha256:fd41b8b3efb8db1187ac231ca84863a8106880d049123d6eddfe21d7f751c627\n\
         Name:\t\tsha256:fd41b8b3efb8db1187ac231ca84863a8106880d049123d6eddfe21d7f751c627\n",
    );
}
