#!/usr/bin/perl
# Perl's Net::FTP over explicit TLS (AUTH TLS, PROT P), downloading one file once per mode given:
# "active" or "passive", in order. Net::FTP resumes the control connection's TLS session on active
# data connections (IO::Socket::SSL accepts with SSL_reuse_ctx) but never on passive ones.
# Prints "<n>-<mode>: ok <content>" or "<n>-<mode>: failed <reply>" per transfer.
# Usage: netftp_tls_modes.pl HOST PORT USER PASSWORD FILE MODE...
use strict;
use warnings;
use Net::FTP;

my ($host, $port, $user, $password, $file, @modes) = @ARGV;
die "usage: $0 HOST PORT USER PASSWORD FILE MODE...\n" unless @modes;

my $ftp = Net::FTP->new($host, Port => $port, SSL => 0, Passive => 1, Timeout => 20,
    SSL_verify_mode => 0)
    or die "connect: $@\n";
$ftp->starttls() or die "AUTH TLS: " . $ftp->message;
$ftp->login($user, $password) or die "login: " . $ftp->message;
$ftp->prot('P') or die "PROT P: " . $ftp->message;
$ftp->binary();

my $n = 0;
for my $mode (@modes) {
    $n++;
    $ftp->passive($mode eq 'passive' ? 1 : 0);
    my $content = '';
    open(my $sink, '>', \$content) or die "in-memory file: $!\n";
    if ($ftp->get($file, $sink)) {
        print "$n-$mode: ok $content\n";
    } else {
        my $reply = $ftp->code . ' ' . $ftp->message;
        $reply =~ s/\s+/ /g;
        print "$n-$mode: failed $reply\n";
    }
    close($sink);
}

$ftp->quit();
