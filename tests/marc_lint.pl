#!/usr/bin/perl
# Run MARC::Lint over every record of the files given (MARCXML *.xml, else binary MARC 21) and print one
# line per warning: "<file>\t<001>\t<warning>". Reading problems are warnings too. Used by the MARC tests,
# which fail on any line; many records per process keeps them fast.
use strict;
use warnings;
use MARC::Lint;
use MARC::File::USMARC;
use MARC::File::XML (BinaryEncoding => 'utf8', RecordFormat => 'MARC21');

binmode STDOUT, ':encoding(UTF-8)';
my $lint = MARC::Lint->new;
my $count = 0;
for my $path (@ARGV) {
    my $file = $path =~ /\.xml\z/ ? MARC::File::XML->in($path) : MARC::File::USMARC->in($path);
    die "cannot open $path\n" unless $file;
    while (1) {
        my @read;
        local $SIG{__WARN__} = sub { push @read, join '', @_ };
        my $record = eval { $file->next };
        if ($@) { print "$path\t?\tcannot read: $@"; last }
        last unless $record;
        $count++;
        my $id = $record->field('001') ? $record->field('001')->data : '?';
        chomp @read;
        $lint->check_record($record);
        print "$path\t$id\t$_\n" for @read, $record->warnings, $lint->warnings;
    }
    $file->close;
}
print STDERR "records: $count\n";
