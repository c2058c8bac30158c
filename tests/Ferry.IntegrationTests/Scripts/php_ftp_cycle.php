<?php
// PHP's ftp extension through a full cycle: every call must succeed, ftp_cdup() included (it
// accepts only a 250 reply, RFC 959 §4.1.1).
//
// usage: php php_ftp_cycle.php HOST PORT USER PASSWORD plain|tls WORKDIR
//
// Steps are announced on stderr; the last line of stdout is "OK" when all passed.

declare(strict_types=1);

function step(string $name): void
{
    fwrite(STDERR, "STEP $name\n");
}

function expect(bool $condition, string $message): void
{
    if (!$condition) {
        fwrite(STDERR, "FAILED: $message\n");
        $error = error_get_last();
        if ($error !== null) {
            fwrite(STDERR, "last PHP error: {$error['message']}\n");
        }
        exit(1);
    }
}

[, $host, $port, $user, $password, $mode, $workdir] = $argv;

step("connect ($mode)");
$ftp = $mode === 'tls'
    ? ftp_ssl_connect($host, (int) $port, 20)
    : ftp_connect($host, (int) $port, 20);
expect($ftp !== false, "connect failed");

step("login");
expect(ftp_login($ftp, $user, $password), "ftp_login returned false");

step("pasv");
expect(ftp_pasv($ftp, true), "ftp_pasv returned false");

step("mkdir");
expect(ftp_mkdir($ftp, "php dir") === "/php dir", "ftp_mkdir did not return the new path");

step("chdir");
expect(ftp_chdir($ftp, "php dir"), "ftp_chdir returned false");
expect(ftp_pwd($ftp) === "/php dir", "ftp_pwd after ftp_chdir: " . var_export(ftp_pwd($ftp), true));

step("cdup");
expect(ftp_cdup($ftp), "ftp_cdup returned false");
expect(ftp_pwd($ftp) === "/", "ftp_pwd after ftp_cdup: " . var_export(ftp_pwd($ftp), true));

step("put");
$content = str_repeat("PHP ftp extension, line by line.\n", 4096);
$local = "$workdir/upload.txt";
file_put_contents($local, $content);
expect(ftp_put($ftp, "php dir/upload.txt", $local, FTP_BINARY), "ftp_put returned false");

step("get");
$fetched = "$workdir/download.txt";
expect(ftp_get($ftp, $fetched, "php dir/upload.txt", FTP_BINARY), "ftp_get returned false");
expect(file_get_contents($fetched) === $content, "downloaded content differs from the upload");

step("nlist");
$names = ftp_nlist($ftp, "php dir");
expect(is_array($names) && count($names) === 1 && basename($names[0]) === "upload.txt", "ftp_nlist: " . var_export($names, true));

step("rawlist");
$lines = ftp_rawlist($ftp, "php dir");
expect(is_array($lines) && count($lines) === 1 && str_ends_with($lines[0], " upload.txt"), "ftp_rawlist: " . var_export($lines, true));

step("size");
expect(ftp_size($ftp, "php dir/upload.txt") === strlen($content), "ftp_size: " . var_export(ftp_size($ftp, "php dir/upload.txt"), true));

step("mdtm");
$modified = ftp_mdtm($ftp, "php dir/upload.txt");
expect($modified > 0 && abs($modified - time()) < 3600, "ftp_mdtm: " . var_export($modified, true));

step("rename");
expect(ftp_rename($ftp, "php dir/upload.txt", "php dir/renamed.txt"), "ftp_rename returned false");
expect(ftp_size($ftp, "php dir/renamed.txt") === strlen($content), "the renamed file is not there");

step("delete");
expect(ftp_delete($ftp, "php dir/renamed.txt"), "ftp_delete returned false");

step("rmdir");
expect(ftp_rmdir($ftp, "php dir"), "ftp_rmdir returned false");

step("close");
expect(ftp_close($ftp), "ftp_close returned false");
echo "OK\n";
